import { Command } from '@nestjs/cqrs';
import type { MailQueuedResult } from '@natter/contracts';

/** `ip`: the client's address (HTTP), for the per-address limit. */
export class RequestPasswordResetCommand extends Command<MailQueuedResult> {
  constructor(readonly login: string, readonly ip: string | null) {
    super();
  }
}
