import { Command } from '@nestjs/cqrs';
import type { MarkNotificationsReadBody } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class MarkNotificationsReadCommand extends Command<{ seq: number }> {
  constructor(readonly caller: Caller, readonly input: Readonly<MarkNotificationsReadBody>) {
    super();
  }
}
