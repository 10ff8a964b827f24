import { Command } from '@nestjs/cqrs';
import type { RebuildStatus } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class RebuildReadModelCommand extends Command<RebuildStatus> {
  constructor(readonly caller: Caller) {
    super();
  }
}
