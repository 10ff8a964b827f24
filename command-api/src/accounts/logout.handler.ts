import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type LogoutResult } from '@natter/contracts';
import { recordRevocation } from '@natter/infra/runtime';
import { AggregateRepository } from '../shared/aggregates';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { LogoutCommand } from './logout.command';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { UserAggregate } from './user.aggregate';

/**
 * Revokes the caller's session family: first in KV `natter_revoked` (every command-api, query-api and edge
 * refuses its access token from then on), then in `auth.sessions` (refresh tokens stop working), both before
 * answering; then appends SessionRevoked(logout) on the user's subject, the record in the log. The edges close
 * that session's open sockets on the KV entry already (and again on the event), so an append that fails here
 * leaves no socket open, only the client's logout answered with an error. KV first: if that write fails
 * nothing is revoked yet and the client can simply retry; once it has succeeded the token is refused
 * everywhere, so a retry could no longer get through the auth guard.
 */
@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionChecker) private readonly checker: SessionChecker,
    @Inject(BUCKETS) private readonly buckets: CommandBuckets,
  ) {}

  async execute({ caller }: LogoutCommand): Promise<LogoutResult> {
    const { userId, sessionId } = caller;
    await recordRevocation(this.buckets.revoked, { sessionId });
    await this.sessions.revokeFamily(sessionId);
    this.checker.markRevoked(sessionId);
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, () => ({
      events: [{ type: 'SessionRevoked', data: { userId, sessionId, reason: 'logout' } }],
      reply: (after) => ({ ok: true as const, seq: after.version }),
    }));
  }
}
