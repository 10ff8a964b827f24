import type { ReadModelDB } from '@natter/infra/runtime';
import { add, max } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/**
 * `rooms` and `room_members`. Every event of a room raises `rooms.last_seq`; `member_count` counts joins
 * minus leaves (the commands never append a join for a member or a leave for a non-member).
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
  },
  MemberLeft: ({ seq, data: d }, out) => {
    out.delete('room_members', { room_id: d.roomId, user_id: d.userId });
    out.patch('rooms', { id: d.roomId }, { member_count: add(-1), last_seq: max(seq) });
  },
};
