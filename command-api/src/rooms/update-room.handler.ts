import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { decideUpdateRoom } from './room.settings';
import { UpdateRoomCommand } from './update-room.command';
import { executeOnRoom } from './room-command';

/** Rename and/or set the topic (owner/admin): RoomUpdated with the fields that change, or nothing. */
@CommandHandler(UpdateRoomCommand)
export class UpdateRoomHandler implements ICommandHandler<UpdateRoomCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  execute({ caller, roomId, changes }: UpdateRoomCommand): Promise<RoomCommandResult> {
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideUpdateRoom(s, caller.userId, changes));
  }
}
