import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MessageChangeResult } from '@natter/contracts';
import { DeleteMessageCommand } from './delete-message.command';
import { decideDelete } from './message.aggregate';
import { MessageChanges } from './message-changes';

/**
 * The author or a moderator+ deletes: a tombstone. Idempotent by nature: the msgID is the message itself, and
 * a deleted message answers its first delete.
 */
@CommandHandler(DeleteMessageCommand)
export class DeleteMessageHandler implements ICommandHandler<DeleteMessageCommand> {
  constructor(@Inject(MessageChanges) private readonly changes: MessageChanges) {}

  execute({ caller, roomId, messageSeq }: DeleteMessageCommand): Promise<MessageChangeResult> {
    return this.changes.run(caller, roomId, messageSeq, { key: `delete:${roomId}:${messageSeq}` }, (room, message) => decideDelete(room, message, caller.userId));
  }
}
