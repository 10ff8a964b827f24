import { Command } from '@nestjs/cqrs';
import type { Caller } from '../shared/caller';

export interface LogoutResult {
  ok: true;
  seq: number;
}

export class LogoutCommand extends Command<LogoutResult> {
  constructor(readonly caller: Caller) {
    super();
  }
}
