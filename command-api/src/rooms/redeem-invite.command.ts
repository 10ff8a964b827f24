import { Command } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class RedeemInviteCommand extends Command<RoomCommandResult> {
  constructor(readonly caller: Caller, readonly code: string) {
    super();
  }
}
