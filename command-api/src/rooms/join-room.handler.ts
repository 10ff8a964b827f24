import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { JoinRoomCommand } from './join-room.command';
import { decideJoin, RoomAggregate } from './room.aggregate';

/** Public rooms only (403 forbidden otherwise). Already a member: 200 with the current seq, nothing appended. */
@CommandHandler(JoinRoomCommand)
export class JoinRoomHandler implements ICommandHandler<JoinRoomCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, roomId }: JoinRoomCommand): Promise<RoomCommandResult> {
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideJoin(state, caller.userId),
      reply: (after) => ({ roomId, seq: after.version }),
    }));
  }
}
