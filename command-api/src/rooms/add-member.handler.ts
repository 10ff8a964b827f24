import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomCommandResult } from '@natter/contracts';
import { UserAggregate } from '../accounts/user.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { AddMemberCommand } from './add-member.command';
import { decideAddMember, RoomAggregate } from './room.aggregate';

/** Owner/admin adds an existing user. Already a member: current seq, nothing appended. */
@CommandHandler(AddMemberCommand)
export class AddMemberHandler implements ICommandHandler<AddMemberCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  async execute({ caller, roomId, userId }: AddMemberCommand): Promise<RoomCommandResult> {
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    const targetExists = target.state.exists && !target.state.deactivated;
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideAddMember(state, caller.userId, userId, targetExists),
      reply: (after) => ({ roomId, seq: after.version }),
    }));
  }
}
