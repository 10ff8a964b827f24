import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newId, Subjects, type RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { CreateRoomCommand } from './create-room.command';
import { decideCreate, RoomAggregate, roomView } from './room.aggregate';

/** RoomCreated then MemberJoined(owner) on the new room's meta subject; the creator becomes its owner. */
@CommandHandler(CreateRoomCommand)
export class CreateRoomHandler implements ICommandHandler<CreateRoomCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, input }: CreateRoomCommand): Promise<RoomCommandResult> {
    const roomId = newId();
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideCreate(state, { roomId, name: input.name, topic: input.topic, visibility: input.visibility, actor: caller.userId }),
      reply: (after) => ({ roomId, seq: after.version, room: roomView(after.state, after.version) }),
    }));
  }
}
