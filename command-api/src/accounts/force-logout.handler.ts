import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type AdminUserResult } from '@natter/contracts';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { ForceLogoutCommand } from './force-logout.command';
import { UserSessions } from './user-sessions';
import { UserAggregate } from './user.aggregate';

/**
 * End every session of a user (server admin): see UserSessions for the order.
 */
@CommandHandler(ForceLogoutCommand)
export class ForceLogoutHandler implements ICommandHandler<ForceLogoutCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(UserSessions) private readonly sessions: UserSessions,
  ) {}

  async execute({ caller, userId }: ForceLogoutCommand): Promise<AdminUserResult> {
    await this.server.assertAdmin(caller.userId);
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!target.state.exists) throw new NatterError('user_not_found');
    return { userId, seq: await this.sessions.revokeAll(userId, caller.userId) };
  }
}
