import type { ReadModelDB } from '@natter/infra/runtime';
import { add, max, set } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/**
 * `rooms`, `room_members`, `room_bans`, `room_invites`. Every event of a room raises `rooms.last_seq`;
 * `member_count` counts joins minus leaves (the commands never append a join for a member or a leave for a
 * non-member; a ban says whether it removed a member). A deleted room keeps its rows, flagged `deleted`:
 * reads and the edge's user-rooms leave deleted rooms out.
 */
export const roomReducers: Reducers<ReadModelDB> = {
  RoomCreated: ({ seq, at, data: d }, out) => {
    out.insert('rooms', {
      id: d.roomId,
      name: pgText(d.name),
      topic: pgText(d.topic),
      visibility: d.visibility,
      created_by: d.createdBy,
      created_at: at,
      created_seq: seq,
      last_seq: seq,
    });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  MemberJoined: ({ seq, data: d }, out) => {
    out.put('room_members', { room_id: d.roomId, user_id: d.userId, role: d.role, joined_seq: seq });
    out.patch('rooms', { id: d.roomId }, { member_count: add(1), last_seq: max(seq) });
    if (d.inviteId) out.patch('room_invites', { id: d.inviteId }, { uses: add(1) });
  },
  MemberLeft: ({ seq, data: d }, out) => {
    out.delete('room_members', { room_id: d.roomId, user_id: d.userId });
    out.patch('rooms', { id: d.roomId }, { member_count: add(-1), last_seq: max(seq) });
  },

  // ---- people and moderation (issue 11)
  DirectMessageStarted: ({ seq, at, data: d }, out) => {
    out.insert('rooms', { id: d.roomId, name: '', topic: '', visibility: 'private', created_by: d.startedBy, created_at: at, created_seq: seq, last_seq: seq, kind: 'dm' });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  RoomUpdated: ({ seq, data: d }, out) =>
    out.patch('rooms', { id: d.roomId }, {
      ...(d.name !== undefined ? { name: set(pgText(d.name)) } : {}),
      ...(d.topic !== undefined ? { topic: set(pgText(d.topic)) } : {}),
      last_seq: max(seq),
    }),
  RoomArchived: ({ seq, data: d }, out) => out.patch('rooms', { id: d.roomId }, { archived: set(true), last_seq: max(seq) }),
  RoomUnarchived: ({ seq, data: d }, out) => out.patch('rooms', { id: d.roomId }, { archived: set(false), last_seq: max(seq) }),
  RoomDeleted: ({ seq, data: d }, out) => out.patch('rooms', { id: d.roomId }, { deleted: set(true), last_seq: max(seq) }),
  MemberRoleChanged: ({ seq, data: d }, out) => {
    out.patch('room_members', { room_id: d.roomId, user_id: d.userId }, { role: set(d.role) });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  OwnershipTransferred: ({ seq, data: d }, out) => {
    out.patch('room_members', { room_id: d.roomId, user_id: d.from }, { role: set('admin') });
    out.patch('room_members', { room_id: d.roomId, user_id: d.to }, { role: set('owner') });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  MemberBanned: ({ seq, at, data: d }, out) => {
    if (d.wasMember) out.delete('room_members', { room_id: d.roomId, user_id: d.userId });
    out.put('room_bans', { room_id: d.roomId, user_id: d.userId, banned_by: d.bannedBy, reason: pgText(d.reason), banned_seq: seq, banned_at: at });
    out.patch('rooms', { id: d.roomId }, { ...(d.wasMember ? { member_count: add(-1) } : {}), last_seq: max(seq) });
  },
  MemberUnbanned: ({ seq, data: d }, out) => {
    out.delete('room_bans', { room_id: d.roomId, user_id: d.userId });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  InviteCreated: ({ seq, at, data: d }, out) => {
    out.insert('room_invites', { id: d.inviteId, room_id: d.roomId, created_by: d.createdBy, created_at: at, expires_at: d.expiresAt, max_uses: d.maxUses });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
  InviteRevoked: ({ seq, data: d }, out) => {
    out.patch('room_invites', { id: d.inviteId }, { revoked: set(true) });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
};
