import { Command } from '@nestjs/cqrs';
import type { MessageChangeResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class DeleteMessageCommand extends Command<MessageChangeResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly messageSeq: number) {
    super();
  }
}
