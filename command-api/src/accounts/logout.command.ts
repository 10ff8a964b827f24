import { Command } from '@nestjs/cqrs';
import type { LogoutResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class LogoutCommand extends Command<LogoutResult> {
  constructor(readonly caller: Caller) {
    super();
  }
}
