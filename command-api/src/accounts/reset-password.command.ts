import { Command } from '@nestjs/cqrs';
import type { AdminUserResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class ResetPasswordCommand extends Command<AdminUserResult> {
  constructor(readonly caller: Caller, readonly userId: string, readonly password: string) {
    super();
  }
}
