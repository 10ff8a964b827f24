import { Inject } from '@nestjs/common';
import { Subjects, type NewEvent } from '@natter/contracts';
import { recordRevocation } from '@natter/infra/runtime';
import { AggregateRepository } from '../shared/aggregates';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { UserAggregate, type UserState } from './user.aggregate';

/**
 * Ends every session of a user for a server admin (force logout, password reset, deactivation), in the order
 * logout uses and for the same reason: each family's `sid.<family>` goes into KV `natter_revoked` first
 * (every service refuses its tokens, edges close its sockets with 4102), then `auth.sessions` (refresh tokens
 * stop working), then one SessionRevoked (reason admin) per family, the record in the log. The `sid` entries
 * also keep those tokens refused after a reactivation lifts the `user.<id>` entry.
 */
export class UserSessions {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionChecker) private readonly checker: SessionChecker,
    @Inject(BUCKETS) private readonly buckets: CommandBuckets,
  ) {}

  /**
   * Revoke every active family of `userId`, appending `also(state)` after the SessionRevoked events (decided
   * on the state they are appended to); answers the user aggregate's version afterwards.
   */
  async revokeAll(userId: string, actor: string, also: (state: UserState) => NewEvent[] = () => []): Promise<number> {
    const families = await this.sessions.activeFamilies(userId);
    for (const sessionId of families) {
      await recordRevocation(this.buckets.revoked, { sessionId });
      this.checker.markRevoked(sessionId);
      await this.sessions.revokeFamily(sessionId);
    }
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), actor, ({ state }) => ({
      events: [...families.map((sessionId): NewEvent => ({ type: 'SessionRevoked', data: { userId, sessionId, reason: 'admin' } })), ...also(state)],
      reply: (after) => after.version,
    }));
  }
}
