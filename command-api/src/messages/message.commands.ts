import type { CommandFactories } from '../shared/command-factories';
import { DeleteMessageCommand } from './delete-message.command';
import { EditMessageCommand } from './edit-message.command';
import { PinMessageCommand } from './pin-message.command';
import { ReactToMessageCommand } from './react-to-message.command';
import { SendMessageCommand } from './send-message.command';
import { UpdateRoomSettingsCommand } from './update-room-settings.command';

type MessageCommandNames = 'SendMessage' | 'EditMessage' | 'DeleteMessage' | 'AddReaction' | 'RemoveReaction' | 'PinMessage' | 'UnpinMessage' | 'UpdateRoomSettings';

/** The messages commands of contracts' `Commands`, built from their validated input. */
export const messageCommands: CommandFactories<MessageCommandNames> = {
  SendMessage: ({ roomId, clientMsgId, text, threadRootSeq, alsoToRoom, attachments }, { caller }) =>
    new SendMessageCommand(caller, roomId, clientMsgId, text, threadRootSeq === undefined ? null : { rootSeq: threadRootSeq, alsoToRoom: alsoToRoom ?? false }, attachments ?? []),
  EditMessage: ({ roomId, messageSeq, clientOpId, text }, { caller }) => new EditMessageCommand(caller, roomId, messageSeq, clientOpId, text),
  DeleteMessage: ({ roomId, messageSeq }, { caller }) => new DeleteMessageCommand(caller, roomId, messageSeq),
  AddReaction: ({ roomId, messageSeq, clientOpId, emoji }, { caller }) => new ReactToMessageCommand(caller, roomId, messageSeq, clientOpId, emoji, true),
  RemoveReaction: ({ roomId, messageSeq, clientOpId, emoji }, { caller }) => new ReactToMessageCommand(caller, roomId, messageSeq, clientOpId, emoji, false),
  PinMessage: ({ roomId, messageSeq, clientOpId }, { caller }) => new PinMessageCommand(caller, roomId, messageSeq, clientOpId, true),
  UnpinMessage: ({ roomId, messageSeq, clientOpId }, { caller }) => new PinMessageCommand(caller, roomId, messageSeq, clientOpId, false),
  UpdateRoomSettings: ({ roomId, editWindowSeconds, anyoneCanPin }, { caller }) =>
    new UpdateRoomSettingsCommand(caller, roomId, { ...(editWindowSeconds === undefined ? {} : { editWindowSeconds }), ...(anyoneCanPin === undefined ? {} : { anyoneCanPin }) }),
};
