import { z } from 'zod';
import { Limits } from '../limits';
import { Text } from '../text';
import { Id } from '../ids';
import { Mentions } from '../events/message.events';
import { Attachment } from '../files/files';
import { FileLimits } from '../files/file-limits';

export const ClientMsgId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');

/** Message text: multi-line, stored as written (not trimmed), never blank. */
export const MessageText = Text({ min: 1, max: Limits.messageTextChars, multiline: true, notBlank: true });

export const SendMessageBody = z.strictObject({
  /** Chosen by the client; a retry with the same id returns the first result and stores nothing new. */
  clientMsgId: ClientMsgId,
  /** May be empty ('') only when the message carries attachments. */
  text: MessageText.or(z.literal('')),
  /**
   * Reply in the thread of this message (its sequence). A reply to a reply joins the same thread: threads
   * are one level deep, rooted at a message of the room.
   */
  threadRootSeq: z.number().int().positive().optional(),
  /** A reply that also shows in the room's timeline ("also send to room"); ignored without threadRootSeq. */
  alsoToRoom: z.boolean().optional(),
  /** Files you uploaded to this room (POST /api/rooms/{roomId}/files) and not yet attached to another message. */
  attachments: z.array(Id).min(1).max(FileLimits.attachmentsPerMessage).optional(),
});
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const Message = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: z.number().int(),
  senderId: z.string(),
  clientMsgId: z.string(),
  text: z.string(),
  sentAt: z.string(),
  attachments: z.array(Attachment).optional(),
});
export type Message = z.infer<typeof Message>;

const Seq = z.number().int();
export const ReactionGroup = z.object({
  emoji: z.string().describe('Emoji name (contracts Emoji: `thumbsup`, `tada`, ...).'),
  count: z.number().int(),
  /** Who reacted, in the order they did. */
  userIds: z.array(z.string()),
});
export type ReactionGroup = z.infer<typeof ReactionGroup>;

/**
 * A message as every read answers it: what a client needs to draw it without another request. A deleted
 * message is a tombstone: `deleted` is set, `text` is empty, no mentions, edits, reactions or pin; its thread
 * summary (replies stay) is kept.
 */
export const MessageView = Message.extend({
  /** The sender's display name now ('' for an unknown sender). */
  senderName: z.string(),
  /** Shown in the room's timeline: a top-level message, or a reply also sent to the room. */
  inRoom: z.boolean(),
  /** A reply: the sequence of its thread's root. */
  threadRootSeq: Seq.nullable(),
  mentions: Mentions,
  /** The latest edit ("(edited)"); the versions: GET .../messages/{messageSeq}/history. */
  edited: z.object({ seq: Seq, at: z.string() }).nullable(),
  deleted: z.object({ seq: Seq, by: z.string(), at: z.string() }).nullable(),
  /** The thread under this message: replies so far and the latest one. */
  replies: z.object({ count: z.number().int(), lastSeq: Seq, lastAt: z.string() }).nullable(),
  /** Grouped by emoji, in the order each emoji was first added. */
  reactions: z.array(ReactionGroup),
  pinned: z.object({ by: z.string(), seq: Seq, at: z.string() }).nullable(),
  /** Its files (none on a tombstone: deleting the message deleted them). */
  attachments: z.array(Attachment),
});
export type MessageView = z.infer<typeof MessageView>;

export const SendMessageResult = z.object({
  seq: z.number().int(),
  message: Message,
  /** True when this was a retry of an already stored message. */
  duplicate: z.boolean(),
  /** People the text mentions by @username who are not in the room (they were not notified). Not on retries. */
  notInRoom: z.array(z.object({ userId: z.string(), username: z.string() })).optional(),
});
export type SendMessageResult = z.infer<typeof SendMessageResult>;

/**
 * History query. No cursor: the newest page. `before=S`: the `limit` messages just below S. `after=S`: the
 * `limit` messages just above S. Items are always in ascending sequence order.
 */
export const HistoryQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(Limits.historyPageMax).default(Limits.historyPageDefault),
  minSeq: z.coerce.number().int().nonnegative().optional(),
}).refine((q) => q.before === undefined || q.after === undefined, 'use before or after, not both');
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPage = z.object({
  /** Messages of the room's timeline: top-level messages and replies also sent to the room (not thread-only replies). */
  messages: z.array(MessageView),
  /** True when more messages exist beyond this page in the direction asked. */
  hasMore: z.boolean(),
  asOfSeq: z.number().int(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
