import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MessageChangeResult } from '@natter/contracts';
import { decideReaction } from './message.aggregate';
import { MessageChanges } from './message-changes';
import { ReactToMessageCommand } from './react-to-message.command';

/** AddReaction and RemoveReaction: set semantics (an add of what is there is a no-op for every reader). */
@CommandHandler(ReactToMessageCommand)
export class ReactToMessageHandler implements ICommandHandler<ReactToMessageCommand> {
  constructor(@Inject(MessageChanges) private readonly changes: MessageChanges) {}

  execute({ caller, roomId, messageSeq, clientOpId, emoji, add }: ReactToMessageCommand): Promise<MessageChangeResult> {
    return this.changes.run(caller, roomId, messageSeq, { clientOpId }, (room, message) => decideReaction(room, message, { actor: caller.userId, emoji, add }));
  }
}
