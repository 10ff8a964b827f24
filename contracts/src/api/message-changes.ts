import { z } from 'zod';
import { Limits } from '../limits';
import { isEmojiName } from '../messages/emoji';
import { ClientMsgId, MessageText, MessageView } from './messages';

/**
 * Bodies and answers of the commands that change a message (issue 10). A message is named by its sequence
 * (`messageSeq`, the seq of its MessageSent): unique in the stream, in every read and frame, and what the
 * command side reads the message by (one direct get), so a message can be changed the moment it is stored.
 */

/** A message's sequence in a URL path. */
export const MessageSeqPath = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a message sequence (a positive integer)');
/** A message's sequence as a command input: from a URL path (digits) or a frame (a number). */
export const MessageSeqRef = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), MessageSeqPath.transform(Number)]);

/**
 * Chosen by the client once per intended change and reused by every retry of it: a retry stores nothing new
 * and answers the first result with `duplicate: true` (as clientMsgId does for sends).
 */
export const ClientOpId = ClientMsgId;

export const EmojiNameSchema = z.string().max(64).refine(isEmojiName, 'unknown emoji (see the emoji list in contracts)');

export const EditMessageBody = z.strictObject({ clientOpId: ClientOpId, text: MessageText });
export type EditMessageBody = z.infer<typeof EditMessageBody>;
export const ReactionBody = z.strictObject({ clientOpId: ClientOpId, emoji: EmojiNameSchema });
export type ReactionBody = z.infer<typeof ReactionBody>;
export const PinBody = z.strictObject({ clientOpId: ClientOpId });
export type PinBody = z.infer<typeof PinBody>;

export const RoomSettings = z.object({
  /** Seconds after sending during which the author may edit; null: no limit (the default). */
  editWindowSeconds: z.number().int().nullable(),
  /** Every member may pin and unpin (default false: owners and admins only). */
  anyoneCanPin: z.boolean(),
});
export type RoomSettings = z.infer<typeof RoomSettings>;
export const DefaultRoomSettings: RoomSettings = Object.freeze({ editWindowSeconds: null, anyoneCanPin: false });

/** Owners and admins change one or both settings; what is left out stays as it is. */
export const RoomSettingsBody = z
  .strictObject({
    editWindowSeconds: z.number().int().min(1).max(Limits.editWindowSecondsMax).nullable().optional(),
    anyoneCanPin: z.boolean().optional(),
  })
  .refine((b) => b.editWindowSeconds !== undefined || b.anyoneCanPin !== undefined, 'name at least one setting');
export type RoomSettingsBody = z.infer<typeof RoomSettingsBody>;

export const MentionedUser = z.object({ userId: z.string(), username: z.string() });

/** What a change to a message answers: the event's seq (or the first one's, for a retry). */
export const MessageChangeResult = z.object({
  roomId: z.string(),
  messageSeq: z.number().int(),
  seq: z.number().int(),
  /** True for a retry (same clientOpId) or a delete of a deleted message: nothing was stored. */
  duplicate: z.boolean(),
  /** Edits: people the new text mentions by @username who are not in the room. */
  notInRoom: z.array(MentionedUser).optional(),
});
export type MessageChangeResult = z.infer<typeof MessageChangeResult>;

export const RoomSettingsResult = z.object({ roomId: z.string(), seq: z.number().int(), settings: RoomSettings });
export type RoomSettingsResult = z.infer<typeof RoomSettingsResult>;

// ---- reads

const AsOfSeq = z.number().int().describe('Stream sequence up to which this answer is current (also the Natter-As-Of-Seq header).');
export const MessageResponse = z.object({ message: MessageView, asOfSeq: AsOfSeq });
export type MessageResponse = z.infer<typeof MessageResponse>;

export const MessageVersion = z.object({ seq: z.number().int(), text: z.string(), at: z.string() });
/** Every version of a message's text, oldest (as sent) first; empty for a deleted message. */
export const MessageHistoryResponse = z.object({ messageSeq: z.number().int(), versions: z.array(MessageVersion), asOfSeq: AsOfSeq });
export type MessageHistoryResponse = z.infer<typeof MessageHistoryResponse>;

/** A thread: its root and one page of replies (same cursor rules as history: none = newest page). */
export const ThreadPage = z.object({ root: MessageView, replies: z.array(MessageView), hasMore: z.boolean(), asOfSeq: AsOfSeq });
export type ThreadPage = z.infer<typeof ThreadPage>;

export const PinsResponse = z.object({ items: z.array(MessageView).describe('Pinned messages, most recently pinned first.'), asOfSeq: AsOfSeq });
export type PinsResponse = z.infer<typeof PinsResponse>;

export const RoomSettingsResponse = z.object({ settings: RoomSettings, asOfSeq: AsOfSeq });
