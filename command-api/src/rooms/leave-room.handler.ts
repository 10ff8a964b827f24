import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { LeaveRoomCommand } from './leave-room.command';
import { decideLeave, RoomAggregate } from './room.aggregate';

/** MemberLeft(reason left). Not a member: 403 not_member. */
@CommandHandler(LeaveRoomCommand)
export class LeaveRoomHandler implements ICommandHandler<LeaveRoomCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, roomId }: LeaveRoomCommand): Promise<RoomCommandResult> {
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideLeave(state, caller.userId),
      reply: (after) => ({ roomId, seq: after.version }),
    }));
  }
}
