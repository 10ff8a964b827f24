import { z } from 'zod';
import { UnreadState } from './read-state';
import { AssignableRole, Role, Visibility } from '../events/catalog';
import { Id } from '../ids';
import { Limits } from '../limits';
import { Text } from '../text';

export const CreateRoomBody = z.strictObject({
  name: Text({ min: 1, max: Limits.roomNameChars }),
  topic: Text({ max: Limits.roomTopicChars, multiline: true }).default(''),
  visibility: Visibility,
});
export type CreateRoomBody = z.input<typeof CreateRoomBody>;

/** Owners and admins add people to a room (the only way into a private room). */
export const AddMemberBody = z.strictObject({ userId: Id });
export type AddMemberBody = z.infer<typeof AddMemberBody>;

/** `dm`: a direct-message room (private, fixed membership, no name: shown by its people's names). */
export const RoomKind = z.enum(['room', 'dm']);
export type RoomKind = z.infer<typeof RoomKind>;

export const Room = z.object({
  id: z.string(),
  name: z.string(),
  topic: z.string(),
  visibility: Visibility,
  kind: RoomKind,
  /** Read-only: messages can be read, not sent. */
  archived: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  memberCount: z.number().int(),
  /** Sequence of the room's latest event (message or membership). */
  lastSeq: z.number().int(),
});
export type Room = z.infer<typeof Room>;

/** Someone in a direct-message room with you. */
export const Peer = z.object({ userId: z.string(), username: z.string(), displayName: z.string() });
export type Peer = z.infer<typeof Peer>;

export const MyRoom = Room.extend({
  role: Role,
  joinedSeq: z.number().int(),
  /** Direct messages only: the other people in it. */
  peers: z.array(Peer).optional(),
  /** Your read state in it (issue 12). */
  unread: UnreadState,
});
export type MyRoom = z.infer<typeof MyRoom>;

export const Member = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** The picture's version (GET /api/users/{id}/avatar); null: none (show initials, no need to ask). */
  avatar: z.string().nullable().optional(),
  role: Role,
  joinedSeq: z.number().int(),
});
export type Member = z.infer<typeof Member>;

/** Result of create/join/leave/add/remove: the sequence of the event appended (or of the existing state). */
export const RoomCommandResult = z.object({ roomId: z.string(), seq: z.number().int(), room: Room.optional() });
export type RoomCommandResult = z.infer<typeof RoomCommandResult>;

// ---- settings, roles, moderation, invites (issue 11)

export const RoomName = Text({ min: 1, max: Limits.roomNameChars });
export const RoomTopic = Text({ max: Limits.roomTopicChars, multiline: true });

/** Rename and/or set the topic (owner/admin); at least one field. */
export const UpdateRoomBody = z
  .strictObject({ name: RoomName.optional(), topic: RoomTopic.optional() })
  .refine((b) => b.name !== undefined || b.topic !== undefined, 'send name, topic or both');
export type UpdateRoomBody = z.infer<typeof UpdateRoomBody>;

export const ChangeRoleBody = z.strictObject({ role: AssignableRole });
export type ChangeRoleBody = z.infer<typeof ChangeRoleBody>;

export const TransferOwnershipBody = z.strictObject({ userId: Id });

export const BanBody = z.strictObject({ userId: Id, reason: Text({ max: Limits.banReasonChars }).default('') });
export type BanBody = z.input<typeof BanBody>;

export const CreateInviteBody = z.strictObject({
  expiresInHours: z.number().int().min(1).max(Limits.inviteMaxHours).default(Limits.inviteDefaultHours),
  /** Omitted or null: unlimited. */
  maxUses: z.number().int().min(1).max(Limits.inviteMaxUses).nullable().default(null),
});
export type CreateInviteBody = z.input<typeof CreateInviteBody>;

/** An invite code as it appears in a link (`/invite/<code>`): 32 random bytes, base64url. */
export const InviteCode = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, 'must be an invite code');
export const RedeemInviteBody = z.strictObject({ code: InviteCode });

export const Invite = z.object({
  id: z.string(),
  roomId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
  revoked: z.boolean(),
});
export type Invite = z.infer<typeof Invite>;

/** The answer to CreateInvite: the code, shown this once (only its hash is kept). */
export const CreateInviteResult = z.object({ roomId: z.string(), seq: z.number().int(), invite: Invite, code: z.string() });
export type CreateInviteResult = z.infer<typeof CreateInviteResult>;

export const Ban = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  bannedBy: z.string(),
  reason: z.string(),
  bannedAt: z.string(),
});
export type Ban = z.infer<typeof Ban>;
