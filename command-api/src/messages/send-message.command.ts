import { Command } from '@nestjs/cqrs';
import type { SendMessageResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class SendMessageCommand extends Command<SendMessageResult> {
  constructor(
    readonly caller: Caller,
    readonly roomId: string,
    readonly clientMsgId: string,
    readonly text: string,
    /** A reply: the message replied to (its thread, or the thread it is in) and whether it also shows in the room. */
    readonly reply: { rootSeq: number; alsoToRoom: boolean } | null = null,
    /** Files the sender uploaded to this room (file ids), attached in this order. */
    readonly attachments: readonly string[] = [],
  ) {
    super();
  }
}
