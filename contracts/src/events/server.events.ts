import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/**
 * The server's own aggregate, on the single subject `ev.server` (Subjects.server): who the server admins
 * are and whether anyone may register. The edge ignores the subject (parseEventSubject does not know it).
 */
export const ServerEvents = {
  /** The envelope's actor granted it; actor null: bootstrap (the first registration, or named at setup). */
  ServerAdminGranted: { v: 1, data: z.object({ userId: Id }) },
  ServerAdminRevoked: { v: 1, data: z.object({ userId: Id }) },
  /** Registration opened or closed (closed: an invite link is needed to register). */
  RegistrationChanged: { v: 1, data: z.object({ open: z.boolean() }) },
} as const satisfies EventDefinitions;
