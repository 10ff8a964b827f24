import { Command } from '@nestjs/cqrs';
import type { AuthTokens, LoginBody } from '@natter/contracts';

export class LoginCommand extends Command<AuthTokens> {
  constructor(readonly input: Readonly<LoginBody>) {
    super();
  }
}
