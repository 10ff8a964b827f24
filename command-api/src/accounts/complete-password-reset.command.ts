import { Command } from '@nestjs/cqrs';
import type { CompletePasswordResetBody, PasswordResetResult } from '@natter/contracts';

/** `ip`: the client's address (HTTP), for the links-per-address limit. */
export class CompletePasswordResetCommand extends Command<PasswordResetResult> {
  constructor(readonly input: Readonly<CompletePasswordResetBody>, readonly ip: string | null) {
    super();
  }
}
