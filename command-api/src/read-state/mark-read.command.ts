import { Command } from '@nestjs/cqrs';
import type { MarkReadResult, ReadMarker } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class MarkReadCommand extends Command<MarkReadResult> {
  constructor(readonly caller: Caller, readonly markers: readonly ReadMarker[]) {
    super();
  }
}
