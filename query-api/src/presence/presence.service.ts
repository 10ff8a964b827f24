import type { PresenceDirectory } from '@natter/infra/runtime';
import type { Caller } from '../http/auth';

export interface UserPresence {
  userId: string;
  online: boolean;
  /** When this answer was computed (presence is live state, not a projection of the stream: no asOfSeq). */
  asOf: string;
}

/**
 * Presence of one user from the in-memory mirror of KV `natter_presence` (infra `watchPresence`), with the
 * staleness rule of contracts/src/presence.ts applied at read time. Any signed-in user may ask about anyone,
 * like profiles; an unknown user is simply offline (no read-model lookup).
 */
export class PresenceService {
  constructor(private readonly directory: Pick<PresenceDirectory, 'isOnline'>) {}

  of(_caller: Caller, userId: string, now = Date.now()): UserPresence {
    return { userId, online: this.directory.isOnline(userId, now), asOf: new Date(now).toISOString() };
  }
}
