import { z } from 'zod';
import { Id } from '../ids';
import { Attachment } from '../files/files';
import type { EventDefinitions } from './event-definition';

/** Stream sequence of the message an event is about (its MessageSent's seq: the message's reference). */
const MessageSeq = z.number().int().positive();

/** Who a message mentions, resolved when it was sent or edited (ids, never matched against text later). */
export const Mentions = z.object({ userIds: z.array(Id), room: z.boolean(), here: z.boolean() });
export type Mentions = z.infer<typeof Mentions>;

/**
 * Events of a room's messages, all on `ev.room.<roomId>.msg`, so they are in the room's order: a message and
 * everything done to it are one ordered history, delivered, resumed and replayed like any room event.
 *
 * Sends are appended with the client's message id as the idempotency key (not serialized per room); changes
 * to a message (edit, delete, reactions, pins) with the client's operation id. They are decided against the
 * message's state as of the subject's head, but not serialized either, so racing changes can all be stored.
 * Every reader folds them with one rule (docs/architecture.md, "Message changes"; contracts' foldMessage): a
 * deleted message stays deleted and nothing else changes it afterwards except its thread's reply count;
 * reactions and pins are sets (adding what is there, or removing what is not, changes nothing).
 *
 * MessageSent's `mentions`, `thread` and `attachments` are optional additions (events stored before them have neither).
 */
export const MessageEvents = {
  MessageSent: {
    v: 1,
    data: z.object({
      roomId: Id,
      messageId: Id,
      senderId: Id,
      clientMsgId: z.string(),
      text: z.string(),
      mentions: Mentions.optional(),
      /** A reply in a thread: its root (never itself a reply), the root's author, and whether the reply also shows in the room. */
      thread: z.object({ rootSeq: MessageSeq, rootSenderId: Id, alsoToRoom: z.boolean() }).optional(),
      /** Files uploaded for this message (issue 13), as stored: sniffed type, size, image facts. Deleting the message deletes them. */
      attachments: z.array(Attachment).optional(),
    }),
  },
  /** The author replaced the text (the earlier versions stay readable in the edit history until a delete). */
  MessageEdited: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, text: z.string(), mentions: Mentions }) },
  /** A tombstone: text, edits, reactions and pin are gone from every read model; replies stay. */
  MessageDeleted: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, deletedBy: Id }) },
  ReactionAdded: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, userId: Id, emoji: z.string() }) },
  ReactionRemoved: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, userId: Id, emoji: z.string() }) },
  MessagePinned: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, pinnedBy: Id }) },
  MessageUnpinned: { v: 1, data: z.object({ roomId: Id, messageSeq: MessageSeq, unpinnedBy: Id }) },
} as const satisfies EventDefinitions;
