import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type AdminUserResult } from '@natter/contracts';
import { isActive, UserAggregate } from '../accounts/user.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { GrantServerAdminCommand } from './grant-server-admin.command';
import { decideGrantAdmin, ServerAggregate } from './server.aggregate';

/** ServerAdminGranted (server admin, to an active account). */
@CommandHandler(GrantServerAdminCommand)
export class GrantServerAdminHandler implements ICommandHandler<GrantServerAdminCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  async execute({ caller, userId }: GrantServerAdminCommand): Promise<AdminUserResult> {
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    return this.aggregates.execute(ServerAggregate, Subjects.server, caller.userId, ({ state }) => ({
      events: decideGrantAdmin(state, caller.userId, userId, isActive(target.state)),
      reply: (after) => ({ userId, seq: after.version }),
    }));
  }
}
