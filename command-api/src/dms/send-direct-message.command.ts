import { Command } from '@nestjs/cqrs';
import type { SendDirectMessageResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class SendDirectMessageCommand extends Command<SendDirectMessageResult> {
  constructor(readonly caller: Caller, readonly userIds: readonly string[], readonly clientMsgId: string, readonly text: string) {
    super();
  }
}
