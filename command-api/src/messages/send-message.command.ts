import { Command } from '@nestjs/cqrs';
import type { SendMessageResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class SendMessageCommand extends Command<SendMessageResult> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly clientMsgId: string, readonly text: string) {
    super();
  }
}
