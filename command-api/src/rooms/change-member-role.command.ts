import { Command } from '@nestjs/cqrs';
import type { RoomCommandResult, AssignableRole } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class ChangeMemberRoleCommand extends Command<RoomCommandResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly userId: string, readonly role: AssignableRole) {
    super();
  }
}
