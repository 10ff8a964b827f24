import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MessageChangeResult } from '@natter/contracts';
import { decidePin } from './message.aggregate';
import { MessageChanges } from './message-changes';
import { PinMessageCommand } from './pin-message.command';

/** PinMessage and UnpinMessage: owners and admins, or every member if the room allows. */
@CommandHandler(PinMessageCommand)
export class PinMessageHandler implements ICommandHandler<PinMessageCommand> {
  constructor(@Inject(MessageChanges) private readonly changes: MessageChanges) {}

  execute({ caller, roomId, messageSeq, clientOpId, pin }: PinMessageCommand): Promise<MessageChangeResult> {
    return this.changes.run(caller, roomId, messageSeq, { clientOpId }, (room, message) => decidePin(room, message, { actor: caller.userId, pin }));
  }
}
