import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { UserAggregate } from '../accounts/user.aggregate';
import { decideBan } from './room.moderation';
import { BanMemberCommand } from './ban-member.command';
import { executeOnRoom } from './room-command';

/** MemberBanned (owner/admin/moderator over a lower role): out of the room at once, and kept out until unbanned. */
@CommandHandler(BanMemberCommand)
export class BanMemberHandler implements ICommandHandler<BanMemberCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  async execute({ caller, roomId, userId, reason }: BanMemberCommand): Promise<RoomCommandResult> {
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideBan(s, caller.userId, userId, target.state.exists, reason));
  }
}
