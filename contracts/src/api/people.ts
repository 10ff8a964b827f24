import { z } from 'zod';
import { Id } from '../ids';
import { Limits } from '../limits';
import { Text } from '../text';
import { ClientMsgId, MessageText, SendMessageResult } from './messages';
import { UserProfile } from './auth';

/** Directory search: `q` is matched as word prefixes (username, display-name words), ignoring case and accents. */
export const DirectoryQuery = z.strictObject({
  q: Text({ max: 64 }).default(''),
  limit: z.coerce.number().int().min(1).max(Limits.directoryPageMax).default(20),
  minSeq: z.coerce.number().int().nonnegative().optional(),
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

/** One person in the directory (active accounts only). */
export const DirectoryEntry = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  statusText: z.string(),
  /** The picture's version (GET /api/users/{id}/avatar); null: none (show initials, no need to ask). */
  avatar: z.string().nullable().optional(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

/** A profile as others see it, with presence: `online` now, else when the last connection closed. */
export const PublicProfile = UserProfile.extend({
  deactivated: z.boolean(),
  online: z.boolean(),
  /** When the user's last connection closed (null: never seen, or still online). */
  lastSeenAt: z.string().nullable(),
});
export type PublicProfile = z.infer<typeof PublicProfile>;

/**
 * The first message of a direct conversation creates it (with the sender and `userIds`, 2 to 8 people in
 * all); later ones go to the same room: exactly one conversation per set of people. Idempotent per
 * clientMsgId like any send.
 */
export const SendDirectMessageBody = z.strictObject({
  userIds: z.array(Id).min(1).max(Limits.dmMaxPeople - 1),
  clientMsgId: ClientMsgId,
  text: MessageText,
});
export type SendDirectMessageBody = z.infer<typeof SendDirectMessageBody>;

export const SendDirectMessageResult = SendMessageResult.extend({ roomId: z.string() });
export type SendDirectMessageResult = z.infer<typeof SendDirectMessageResult>;
