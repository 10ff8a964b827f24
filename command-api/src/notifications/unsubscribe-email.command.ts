import { Command } from '@nestjs/cqrs';

/** The unsubscribe link of a digest mail (no caller: the token names the account). */
export class UnsubscribeEmailCommand extends Command<{ ok: true }> {
  constructor(readonly token: string) {
    super();
  }
}
