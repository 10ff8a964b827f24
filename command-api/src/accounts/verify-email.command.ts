import { Command } from '@nestjs/cqrs';
import type { EmailVerifiedResult } from '@natter/contracts';

/** `ip`: the client's address (HTTP), for the links-per-address limit. */
export class VerifyEmailCommand extends Command<EmailVerifiedResult> {
  constructor(readonly token: string, readonly ip: string | null) {
    super();
  }
}
