import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type AdminUserResult } from '@natter/contracts';
import { RevocationKeys } from '@natter/infra/runtime';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { ReactivateUserCommand } from './reactivate-user.command';
import { UserAggregate } from './user.aggregate';

/**
 * Reactivate an account (server admin): UserReactivated, then the `user.<id>` entry is deleted from KV
 * natter_revoked (watchers drop it at once), always, so a retry repairs a failed delete. Sessions ended by the
 * deactivation stay ended (their `sid` entries remain): the user signs in again.
 */
@CommandHandler(ReactivateUserCommand)
export class ReactivateUserHandler implements ICommandHandler<ReactivateUserCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(BUCKETS) private readonly buckets: CommandBuckets,
  ) {}

  async execute({ caller, userId }: ReactivateUserCommand): Promise<AdminUserResult> {
    await this.server.assertAdmin(caller.userId);
    const result = await this.aggregates.execute(UserAggregate, Subjects.user(userId), caller.userId, ({ state }) => {
      if (!state.exists) throw new NatterError('user_not_found');
      return { events: state.deactivated ? [{ type: 'UserReactivated', data: { userId } }] : [], reply: (after) => ({ userId, seq: after.version }) };
    });
    await this.buckets.revoked.delete(RevocationKeys.user(userId));
    return result;
  }
}
