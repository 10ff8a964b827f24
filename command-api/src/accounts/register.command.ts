import { Command } from '@nestjs/cqrs';
import type { AuthTokens, RegisterBody } from '@natter/contracts';

export class RegisterCommand extends Command<AuthTokens> {
  /** `ip`: the client's address (HTTP), for the registrations-per-address limit. */
  constructor(readonly input: Readonly<RegisterBody>, readonly ip: string | null) {
    super();
  }
}
