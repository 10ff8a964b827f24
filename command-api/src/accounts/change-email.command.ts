import { Command } from '@nestjs/cqrs';
import type { ChangeEmailBody, ChangeEmailResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class ChangeEmailCommand extends Command<ChangeEmailResult> {
  constructor(readonly caller: Caller, readonly input: Readonly<ChangeEmailBody>) {
    super();
  }
}
