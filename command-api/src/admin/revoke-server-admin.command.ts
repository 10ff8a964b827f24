import { Command } from '@nestjs/cqrs';
import type { AdminUserResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class RevokeServerAdminCommand extends Command<AdminUserResult> {
  constructor(readonly caller: Caller, readonly userId: string) {
    super();
  }
}
