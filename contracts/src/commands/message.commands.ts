import { z } from 'zod';
import { Id } from '../ids';
import { SendMessageBody, SendMessageResult } from '../api/messages';
import { EditMessageBody, MessageChangeResult, MessageSeqRef, PinBody, ReactionBody, RoomSettingsBody, RoomSettingsResult } from '../api/message-changes';
import type { CommandDefinitions } from './command-definition';

/** The input of a command on one message: its body plus the room and the message's sequence from the path. */
const OnMessage = { roomId: Id, messageSeq: MessageSeqRef };

/** Messages (events on `ev.room.<roomId>.msg`) and the room's message settings (on `.meta`). */
export const MessageCommands = {
  SendMessage: {
    input: SendMessageBody.extend({ roomId: Id }), result: SendMessageResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages', body: SendMessageBody, status: 201, duplicateStatus: 200 },
    summary: 'Send a message, or reply in a thread',
    description: 'Idempotent per clientMsgId: a retry answers 200 with `duplicate: true` and the original message and seq. `threadRootSeq` makes it a reply in that message\'s thread (`alsoToRoom` also shows it in the room). `@username`, `@room` and `@here` in the text are resolved into the event; mentioned people who are not in the room come back in `notInRoom`.',
    resultDescription: 'Stored (201), or a retry of a stored message (200, duplicate true).',
    errors: ['not_member', 'room_not_found', 'rate_limited', 'message_not_found', 'message_deleted', 'projection_lagging'],
  },
  EditMessage: {
    input: EditMessageBody.extend(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId/messages/:messageSeq', body: EditMessageBody, status: 200 },
    summary: 'Edit your message',
    description: 'Authors only, while they are members, within the room\'s edit window (no limit unless an admin set one). The text replaces the current one; every version stays readable in `GET .../history` until the message is deleted. Mentions are resolved again.',
    resultDescription: 'Edited (or a retry of the same clientOpId: duplicate true).',
    errors: ['not_member', 'room_not_found', 'forbidden', 'message_not_found', 'message_deleted', 'edit_window_closed', 'projection_lagging'],
  },
  DeleteMessage: {
    input: z.strictObject(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId/messages/:messageSeq', status: 200 },
    summary: 'Delete a message (its author, or a moderator, admin or owner)',
    description: 'Leaves a tombstone: the text, its edits, reactions and pin are gone from every read and are never served again; replies stay. Deleting a deleted message changes nothing and answers the first delete (duplicate true).',
    resultDescription: 'Deleted.', errors: ['not_member', 'room_not_found', 'forbidden', 'message_not_found', 'projection_lagging'],
  },
  AddReaction: {
    input: ReactionBody.extend(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages/:messageSeq/react', body: ReactionBody, status: 200 },
    summary: 'React with an emoji',
    description: 'Reactions are a set per message: adding one you already have stores an event that changes nothing. A message has at most 20 different emoji.',
    resultDescription: 'Reacted.', errors: ['not_member', 'room_not_found', 'message_not_found', 'message_deleted', 'too_many_reactions', 'projection_lagging'],
  },
  RemoveReaction: {
    input: ReactionBody.extend(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages/:messageSeq/unreact', body: ReactionBody, status: 200 },
    summary: 'Take back your reaction', description: 'Removing a reaction you do not have changes nothing.',
    resultDescription: 'Removed.', errors: ['not_member', 'room_not_found', 'message_not_found', 'message_deleted', 'projection_lagging'],
  },
  PinMessage: {
    input: PinBody.extend(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages/:messageSeq/pin', body: PinBody, status: 200 },
    summary: 'Pin a message (owners and admins, or every member if the room allows)',
    resultDescription: 'Pinned (pinning a pinned message changes nothing).', errors: ['not_member', 'room_not_found', 'forbidden', 'message_not_found', 'message_deleted', 'projection_lagging'],
  },
  UnpinMessage: {
    input: PinBody.extend(OnMessage), result: MessageChangeResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages/:messageSeq/unpin', body: PinBody, status: 200 },
    summary: 'Unpin a message (whoever may pin)',
    resultDescription: 'Unpinned.', errors: ['not_member', 'room_not_found', 'forbidden', 'message_not_found', 'message_deleted', 'projection_lagging'],
  },
  UpdateRoomSettings: {
    input: RoomSettingsBody.extend({ roomId: Id }), result: RoomSettingsResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId/settings', body: RoomSettingsBody, status: 200 },
    summary: 'Change the room\'s message settings (owner/admin)', description: '`editWindowSeconds` (null: no limit) and `anyoneCanPin`; settings left out keep their value.',
    resultDescription: 'The settings now.', errors: ['not_member', 'room_not_found', 'forbidden', 'conflict'],
  },
} as const satisfies CommandDefinitions;
