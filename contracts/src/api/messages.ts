import { z } from 'zod';
import { Limits } from '../limits';
import { Text } from '../text';

export const ClientMsgId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');

/** Message text: multi-line, stored as written (not trimmed), never blank. */
export const MessageText = Text({ min: 1, max: Limits.messageTextChars, multiline: true, notBlank: true });

export const SendMessageBody = z.strictObject({
  /** Chosen by the client; a retry with the same id returns the first result and stores nothing new. */
  clientMsgId: ClientMsgId,
  text: MessageText,
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
});
export type Message = z.infer<typeof Message>;

export const SendMessageResult = z.object({
  seq: z.number().int(),
  message: Message,
  /** True when this was a retry of an already stored message. */
  duplicate: z.boolean(),
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
  messages: z.array(Message),
  /** True when more messages exist beyond this page in the direction asked. */
  hasMore: z.boolean(),
  asOfSeq: z.number().int(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
