import { Command } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class UnbanMemberCommand extends Command<RoomCommandResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly userId: string) {
    super();
  }
}
