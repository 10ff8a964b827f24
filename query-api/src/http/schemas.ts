import { AdminUser, AuditEntry, Ban, DirectoryEntry, Id, Invite, Member, MessageSeqPath, MinSeqQuery, MyRoom, Page, PublicProfile, Room, Text, UserProfile, UserSession } from '@natter/contracts';
import { z } from 'zod';

/**
 * HTTP shapes query-api needs beyond the bodies in @natter/contracts: path parameters, the room search query
 * and the `{..., asOfSeq}` response wrappers. They feed route validation and the OpenAPI document alike.
 */
export const RoomIdParams = z.strictObject({ roomId: Id });
export const UserIdParams = z.strictObject({ userId: Id });
/** A message is named by its sequence (the seq of its MessageSent). */
export const MessageParams = z.strictObject({ roomId: Id, messageSeq: MessageSeqPath.transform(Number) });

export const RoomSearchQuery = z.strictObject({
  /** Case-insensitive substring of the room name. */
  q: Text({ max: 80 }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  minSeq: MinSeqQuery.shape.minSeq,
});
export type RoomSearchQuery = z.infer<typeof RoomSearchQuery>;

const AsOfSeq = z.number().int().describe('Stream sequence up to which this answer is current (also the Natter-As-Of-Seq header).');

export const UserResponse = z.object({ user: UserProfile, asOfSeq: AsOfSeq });
export const RoomResponse = z.object({ room: Room, asOfSeq: AsOfSeq });
export const MyRoomsResponse = Page(MyRoom);
export const RoomsResponse = Page(Room);
export const MembersResponse = Page(Member);

/** GET /api/users/:userId/presence. Live state, not a projection: `asOf` is a time, there is no asOfSeq. */
export const PresenceResponse = z.object({
  userId: z.string(),
  online: z.boolean().describe('True while the user has at least one live WebSocket connection on any edge.'),
  asOf: z.string().describe('When the answer was computed (ISO 8601).'),
});

// ---- people and administration (issue 11)
export const ProfileResponse = z.object({ user: PublicProfile, asOfSeq: AsOfSeq });
export const DirectoryResponse = Page(DirectoryEntry);
export const InvitesResponse = Page(Invite);
export const BansResponse = Page(Ban);
export const AdminUsersResponse = Page(AdminUser);
export const SessionsResponse = Page(UserSession);
export const AuditResponse = z.object({ items: z.array(AuditEntry), hasMore: z.boolean(), asOfSeq: AsOfSeq });
