import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/** Events of a user's aggregate, on `ev.user.<userId>`. */
export const UserEvents = {
  UserRegistered: { v: 1, data: z.object({ userId: Id, username: z.string(), displayName: z.string(), email: z.string() }) },
  ProfileUpdated: { v: 1, data: z.object({ userId: Id, displayName: z.string() }) },
  /** A refresh session ended (logout or reuse detected). Carries the session id, never a token or hash. */
  SessionRevoked: { v: 1, data: z.object({ userId: Id, sessionId: z.string(), reason: z.enum(['logout', 'reuse_detected', 'admin']) }) },
  UserDeactivated: { v: 1, data: z.object({ userId: Id }) },
} as const satisfies EventDefinitions;
