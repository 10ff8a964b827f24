import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type AdminUserResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { RevokeServerAdminCommand } from './revoke-server-admin.command';
import { decideRevokeAdmin, ServerAggregate } from './server.aggregate';

/** ServerAdminRevoked (server admin; never the last one). Takes effect on the next command: no token claim holds it. */
@CommandHandler(RevokeServerAdminCommand)
export class RevokeServerAdminHandler implements ICommandHandler<RevokeServerAdminCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, userId }: RevokeServerAdminCommand): Promise<AdminUserResult> {
    return this.aggregates.execute(ServerAggregate, Subjects.server, caller.userId, ({ state }) => ({
      events: decideRevokeAdmin(state, caller.userId, userId),
      reply: (after) => ({ userId, seq: after.version }),
    }));
  }
}
