import { Command } from '@nestjs/cqrs';
import type { AuthTokens, RegisterBody } from '@natter/contracts';

export class RegisterCommand extends Command<AuthTokens> {
  constructor(readonly input: Readonly<RegisterBody>) {
    super();
  }
}
