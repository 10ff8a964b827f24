import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/**
 * Room roles, highest first. Moderators kick and ban members; admins also manage members, roles, invites and
 * settings; the owner (exactly one per room) also deletes the room and hands ownership on.
 */
export const Role = z.enum(['owner', 'admin', 'moderator', 'member']);
export type Role = z.infer<typeof Role>;
export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;
/** The roles a member can be given (ownership moves only by OwnershipTransferred). */
export const AssignableRole = z.enum(['admin', 'moderator', 'member']);
export type AssignableRole = z.infer<typeof AssignableRole>;

/** Events of a room's meta aggregate (creation, membership, roles, settings), on `ev.room.<roomId>.meta`. */
export const RoomEvents = {
  RoomCreated: {
    v: 1,
    data: z.object({ roomId: Id, name: z.string(), topic: z.string(), visibility: Visibility, createdBy: Id }),
  },
  /**
   * `inviteId`: the member came in through that invite link (counts one use of it). An optional field added
   * later: every stored MemberJoined still matches, so no new version was needed.
   */
  MemberJoined: { v: 1, data: z.object({ roomId: Id, userId: Id, role: Role, addedBy: Id.nullable(), inviteId: Id.optional() }) },
  MemberLeft: { v: 1, data: z.object({ roomId: Id, userId: Id, reason: z.enum(['left', 'removed']), removedBy: Id.nullable() }) },

  // ---- people and moderation (issue 11)
  /** Renamed and/or a new topic (the fields present changed). */
  RoomUpdated: { v: 1, data: z.object({ roomId: Id, name: z.string().optional(), topic: z.string().optional() }) },
  /** Read-only from here on: delivery goes on, sends and joins are refused (room_archived). */
  RoomArchived: { v: 1, data: z.object({ roomId: Id }) },
  RoomUnarchived: { v: 1, data: z.object({ roomId: Id }) },
  /** The end of the room: nobody receives it after this event (membershipChange stops everyone). */
  RoomDeleted: { v: 1, data: z.object({ roomId: Id }) },
  MemberRoleChanged: { v: 1, data: z.object({ roomId: Id, userId: Id, role: AssignableRole, changedBy: Id }) },
  /** `to` becomes the owner and `from` (the previous owner) an admin, in one event: a room always has one owner. */
  OwnershipTransferred: { v: 1, data: z.object({ roomId: Id, from: Id, to: Id }) },
  /**
   * Banned: out of the room if `wasMember` (delivery stops at this event) and unable to join, be added or use
   * an invite until MemberUnbanned. A user who is not a member can be banned too.
   */
  MemberBanned: { v: 1, data: z.object({ roomId: Id, userId: Id, bannedBy: Id, wasMember: z.boolean(), reason: z.string() }) },
  MemberUnbanned: { v: 1, data: z.object({ roomId: Id, userId: Id, unbannedBy: Id }) },
  /** An invite link. Its code is never in the log: command-api keeps the code's SHA-256 in its own table. */
  InviteCreated: {
    v: 1,
    data: z.object({ roomId: Id, inviteId: Id, createdBy: Id, expiresAt: z.string(), maxUses: z.number().int().positive().nullable() }),
  },
  InviteRevoked: { v: 1, data: z.object({ roomId: Id, inviteId: Id, revokedBy: Id }) },
  /**
   * The creation of a direct-message room (instead of RoomCreated): private, fixed membership, one per set
   * of people. A MemberJoined for each of `memberIds` follows it.
   */
  DirectMessageStarted: { v: 1, data: z.object({ roomId: Id, memberIds: z.array(Id), startedBy: Id }) },
  /**
   * The room's message settings, whole (issue 10): how long authors may edit (seconds after sending; null: no
   * limit, the default) and whether every member may pin (false, the default: owners and admins only).
   */
  RoomSettingsUpdated: {
    v: 1,
    data: z.object({ roomId: Id, editWindowSeconds: z.number().int().positive().nullable(), anyoneCanPin: z.boolean() }),
  },
} as const satisfies EventDefinitions;
