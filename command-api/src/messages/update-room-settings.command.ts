import { Command } from '@nestjs/cqrs';
import type { RoomSettingsBody, RoomSettingsResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class UpdateRoomSettingsCommand extends Command<RoomSettingsResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly change: RoomSettingsBody) {
    super();
  }
}
