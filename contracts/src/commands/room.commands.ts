import { z } from 'zod';
import {
  AddMemberBody,
  BanBody,
  ChangeRoleBody,
  CreateInviteBody,
  CreateInviteResult,
  CreateRoomBody,
  RedeemInviteBody,
  RoomCommandResult,
  TransferOwnershipBody,
  UpdateRoomBody,
} from '../api/rooms';
import { Id } from '../ids';
import type { CommandDefinitions } from './command-definition';

const RoomInput = z.strictObject({ roomId: Id });
const RoomUserInput = z.strictObject({ roomId: Id, userId: Id });

/** Rooms: creation and membership (events on `ev.room.<roomId>.meta`). */
export const RoomCommands = {
  CreateRoom: {
    input: CreateRoomBody, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms', body: CreateRoomBody, status: 201 },
    summary: 'Create a room (you become its owner)', resultDescription: 'Room created.', errors: ['conflict', 'rate_limited'],
  },
  JoinRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/join', status: 200 },
    summary: 'Join a public room', description: 'A private room you are not in answers 404 room_not_found, exactly like a room that does not exist.',
    resultDescription: 'Joined (or already a member: current seq, nothing appended).', errors: ['banned', 'room_archived', 'room_not_found', 'conflict'],
  },
  LeaveRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/leave', status: 200 },
    summary: 'Leave a room', description: 'The owner cannot leave (transfer ownership or delete the room first); direct messages cannot be left.',
    resultDescription: 'Left.', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  AddMember: {
    input: AddMemberBody.extend({ roomId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/members', body: AddMemberBody, status: 200 },
    summary: 'Add a user to a room (owner/admin)', resultDescription: 'Member added.', errors: ['forbidden', 'banned', 'room_archived', 'not_member', 'room_not_found', 'user_not_found', 'conflict'],
  },
  RemoveMember: {
    input: RoomUserInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId/members/:userId', status: 200 },
    summary: 'Kick a member (owner, admin or moderator, of a lower role)', resultDescription: 'Member removed (MemberLeft, reason removed). They may come back unless banned.', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },

  // ---- settings, roles, moderation, invites (issue 11)
  UpdateRoom: {
    input: UpdateRoomBody.safeExtend({ roomId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId', body: UpdateRoomBody, status: 200 },
    summary: 'Rename a room or set its topic (owner/admin)', resultDescription: 'Updated (RoomUpdated), or unchanged (current seq).', errors: ['forbidden', 'not_member', 'room_archived', 'room_not_found', 'conflict'],
  },
  ArchiveRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/archive', status: 200 },
    summary: 'Archive a room: read-only from now on (owner/admin, or a server admin)', resultDescription: 'Archived (or already: current seq).', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  UnarchiveRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/unarchive', status: 200 },
    summary: 'Make an archived room writable again (owner/admin, or a server admin)', resultDescription: 'Unarchived (or was not archived: current seq).', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  DeleteRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId', status: 200 },
    summary: 'Delete a room (its owner, or a server admin)', description: 'Every member stops receiving the room at the RoomDeleted event; afterwards the room is not found.',
    resultDescription: 'Deleted.', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  ChangeMemberRole: {
    input: ChangeRoleBody.extend({ roomId: Id, userId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId/members/:userId', body: ChangeRoleBody, status: 200 },
    summary: "Set a member's role: admin, moderator or member", description: 'The owner sets any of them; an admin makes members moderators and back. Ownership moves only by transfer.',
    resultDescription: 'Role changed (or unchanged: current seq).', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  TransferOwnership: {
    input: TransferOwnershipBody.extend({ roomId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/owner', body: TransferOwnershipBody, status: 200 },
    summary: 'Hand the room to another member (owner only); you become an admin', resultDescription: 'Transferred.', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  BanMember: {
    input: BanBody.extend({ roomId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/bans', body: BanBody, status: 200 },
    summary: 'Ban a user (owner, admin or moderator, of a lower role)', description: 'A member is removed at once (their open sockets stop receiving the room at the MemberBanned event); a banned user cannot join, be added or use an invite until unbanned.',
    resultDescription: 'Banned (or already: current seq).', errors: ['forbidden', 'not_member', 'room_not_found', 'user_not_found', 'conflict'],
  },
  UnbanMember: {
    input: RoomUserInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId/bans/:userId', status: 200 },
    summary: 'Lift a ban (owner, admin or moderator)', resultDescription: 'Unbanned: they may join or be added again (not banned: current seq, nothing appended).', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
  CreateInvite: {
    input: CreateInviteBody.extend({ roomId: Id }), result: CreateInviteResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/invites', body: CreateInviteBody, status: 201 },
    summary: 'Create an invite link (owner/admin)', description: 'The answer holds the code, this once: only its SHA-256 is kept. Share `/invite/<code>`.',
    resultDescription: 'Invite created.', errors: ['forbidden', 'not_member', 'room_archived', 'room_not_found', 'conflict'],
  },
  RevokeInvite: {
    input: z.strictObject({ roomId: Id, inviteId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId/invites/:inviteId', status: 200 },
    summary: 'Revoke an invite link (owner/admin)', resultDescription: 'Revoked (or already: current seq).', errors: ['forbidden', 'not_member', 'not_found', 'room_not_found', 'conflict'],
  },
  RedeemInvite: {
    input: RedeemInviteBody, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/invites/redeem', body: RedeemInviteBody, status: 200 },
    summary: 'Join a room with an invite code', resultDescription: 'Joined (or already a member: current seq, no use counted).', errors: ['invite_invalid', 'banned', 'room_archived', 'conflict'],
  },
} as const satisfies CommandDefinitions;
