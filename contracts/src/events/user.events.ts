import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/** Events of a user's aggregate, on `ev.user.<userId>`. */
export const UserEvents = {
  UserRegistered: { v: 1, data: z.object({ userId: Id, username: z.string(), displayName: z.string(), email: z.string() }) },
  /** v2: bio and status text; each field present is the new value (v1 always carried displayName alone). */
  ProfileUpdated: {
    v: 2,
    data: z.object({ userId: Id, displayName: z.string().optional(), bio: z.string().optional(), statusText: z.string().optional() }),
    upcast: { 1: (d: { userId: string; displayName: string }) => ({ userId: d.userId, displayName: d.displayName }) },
  },
  /** A refresh session ended (logout or reuse detected). Carries the session id, never a token or hash. */
  SessionRevoked: { v: 1, data: z.object({ userId: Id, sessionId: z.string(), reason: z.enum(['logout', 'reuse_detected', 'admin']) }) },
  UserDeactivated: { v: 1, data: z.object({ userId: Id }) },
  /** Issue 13: the user's picture changed (`avatar`: its version, which changes with it) or was removed (null). */
  AvatarChanged: { v: 1, data: z.object({ userId: Id, avatar: z.string().nullable() }) },

  // ---- people and server administration (issue 11)
  UserReactivated: { v: 1, data: z.object({ userId: Id }) },
  /** A sign-in (register or login) started a session family; the record the admin panel lists sessions from. */
  SessionStarted: { v: 1, data: z.object({ userId: Id, sessionId: z.string() }) },
  /** A server admin set a new password (the envelope's actor); the password and its hash never enter the log. */
  PasswordReset: {
    v: 1,
    /** `via`: 'email' when the user set it through a reset link (issue 13); absent for an admin's reset. */
    data: z.object({ userId: Id, via: z.enum(['admin', 'email']).optional() }),
  },

  // ---- email (issue 13)
  /** The user changed their address; it is unverified until an EmailVerified names it. */
  EmailChanged: { v: 1, data: z.object({ userId: Id, email: z.string() }) },
  /** The user opened the verification link sent to `email` (never the token); stale if the address changed since. */
  EmailVerified: { v: 1, data: z.object({ userId: Id, email: z.string() }) },
} as const satisfies EventDefinitions;
