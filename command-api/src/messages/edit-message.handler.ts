import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseMentions, type MessageChangeResult } from '@natter/contracts';
import { EditMessageCommand } from './edit-message.command';
import { decideEdit, decideMentions } from './message.aggregate';
import { MessageChanges } from './message-changes';

/** The author replaces the text (within the room's edit window); mentions are resolved again. */
@CommandHandler(EditMessageCommand)
export class EditMessageHandler implements ICommandHandler<EditMessageCommand> {
  constructor(@Inject(MessageChanges) private readonly changes: MessageChanges) {}

  async execute({ caller, roomId, messageSeq, clientOpId, text }: EditMessageCommand): Promise<MessageChangeResult> {
    const parsed = parseMentions(text);
    const users = await this.changes.usersByName(parsed.usernames);
    let notInRoom: { userId: string; username: string }[] = [];
    const result = await this.changes.run(caller, roomId, messageSeq, { clientOpId }, (room, message) => {
      const resolved = decideMentions(room, parsed, users);
      notInRoom = resolved.notInRoom;
      return decideEdit(room, message, { actor: caller.userId, text, mentions: resolved.mentions, now: new Date() });
    });
    return result.duplicate ? result : { ...result, notInRoom };
  }
}
