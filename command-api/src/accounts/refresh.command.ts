import { Command } from '@nestjs/cqrs';
import type { AuthTokens } from '@natter/contracts';

export class RefreshCommand extends Command<AuthTokens> {
  constructor(readonly refreshToken: string) {
    super();
  }
}
