import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomSettingsResult } from '@natter/contracts';
import { decideUpdateSettings, RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { UpdateRoomSettingsCommand } from './update-room-settings.command';

/**
 * Owner/admin changes the room's message settings: RoomSettingsUpdated on the room's meta subject (serialized
 * with membership and roles, so "who may pin" is decided on the roles it changes with). Nothing changed: the
 * current seq, nothing appended.
 */
@CommandHandler(UpdateRoomSettingsCommand)
export class UpdateRoomSettingsHandler implements ICommandHandler<UpdateRoomSettingsCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, roomId, change }: UpdateRoomSettingsCommand): Promise<RoomSettingsResult> {
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideUpdateSettings(state, caller.userId, change),
      reply: (after) => ({ roomId, seq: after.version, settings: after.state.settings }),
    }));
  }
}
