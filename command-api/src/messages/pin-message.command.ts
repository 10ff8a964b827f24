import { Command } from '@nestjs/cqrs';
import type { MessageChangeResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class PinMessageCommand extends Command<MessageChangeResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly messageSeq: number, readonly clientOpId: string, readonly pin: boolean) {
    super();
  }
}
