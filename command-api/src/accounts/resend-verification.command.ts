import { Command } from '@nestjs/cqrs';
import type { MailQueuedResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class ResendVerificationCommand extends Command<MailQueuedResult> {
  constructor(readonly caller: Caller) {
    super();
  }
}
