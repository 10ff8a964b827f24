import { Command } from '@nestjs/cqrs';
import type { AuthTokens, LoginBody } from '@natter/contracts';

export class LoginCommand extends Command<AuthTokens> {
  /** `ip`: the client's address (HTTP), for the login throttle (login-throttle.ts). */
  constructor(readonly input: Readonly<LoginBody>, readonly ip: string | null) {
    super();
  }
}
