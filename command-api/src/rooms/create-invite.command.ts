import { Command } from '@nestjs/cqrs';
import type { CreateInviteResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class CreateInviteCommand extends Command<CreateInviteResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly expiresInHours: number, readonly maxUses: number | null) {
    super();
  }
}
