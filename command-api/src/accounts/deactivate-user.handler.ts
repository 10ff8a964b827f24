import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type AdminUserResult } from '@natter/contracts';
import { recordRevocation } from '@natter/infra/runtime';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { DeactivateUserCommand } from './deactivate-user.command';
import { UserSessions } from './user-sessions';
import { UserAggregate } from './user.aggregate';

/**
 * Deactivate an account (server admin; not yourself). `user.<id>` goes into KV natter_revoked first: every
 * service refuses the user's tokens and every edge closes their sockets (4103) as soon as its watch delivers
 * it (milliseconds). Then every session ends (UserSessions: sid entries, auth.sessions, SessionRevoked) and
 * UserDeactivated is appended with them. Already deactivated: the KV entry is written again (repairing a
 * failed attempt), nothing appended.
 */
@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUserCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(BUCKETS) private readonly buckets: CommandBuckets,
    @Inject(UserSessions) private readonly sessions: UserSessions,
  ) {}

  async execute({ caller, userId }: DeactivateUserCommand): Promise<AdminUserResult> {
    await this.server.assertAdmin(caller.userId);
    if (userId === caller.userId) throw new NatterError('forbidden', 'Ask another server admin to deactivate your account.');
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!target.state.exists) throw new NatterError('user_not_found');
    await recordRevocation(this.buckets.revoked, { userId });
    if (target.state.deactivated) return { userId, seq: target.version };
    const seq = await this.sessions.revokeAll(userId, caller.userId, (s) => (s.deactivated ? [] : [{ type: 'UserDeactivated', data: { userId } }]));
    return { userId, seq };
  }
}
