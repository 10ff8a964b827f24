import { Command } from '@nestjs/cqrs';
import type { AuthTokens } from '@natter/contracts';

export class RefreshCommand extends Command<AuthTokens> {
  /** `ip`: the client's address (HTTP), for the refreshes-per-address limit. */
  constructor(readonly refreshToken: string, readonly ip: string | null) {
    super();
  }
}
