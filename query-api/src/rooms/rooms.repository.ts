import type { MyRoom, Room } from '@natter/contracts';
import type { RoomRow } from '@natter/infra/runtime';
import type { ReadScope } from '../read-model/scope';

const ROOM_COLUMNS = ['r.id', 'r.name', 'r.topic', 'r.visibility', 'r.created_by', 'r.created_at', 'r.member_count', 'r.last_seq'] as const;
export type RoomColumns = Pick<RoomRow, 'id' | 'name' | 'topic' | 'visibility' | 'created_by' | 'created_at' | 'member_count' | 'last_seq'>;

export function rowToRoom(r: RoomColumns): Room {
  return {
    id: r.id,
    name: r.name,
    topic: r.topic,
    visibility: r.visibility,
    createdBy: r.created_by,
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : new Date(r.created_at).toISOString(),
    memberCount: Number(r.member_count),
    lastSeq: Number(r.last_seq),
  };
}

/** `%`, `_` and `\` in a user's search text match themselves. */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The `rooms` read model (joined with the caller's membership for "my rooms"). SQL: queries/rooms.*.sql */
export class RoomsRepository {
  findById(q: ReadScope, roomId: string): Promise<RoomColumns | undefined> {
    return q.selectFrom('rooms as r').select(ROOM_COLUMNS).where('r.id', '=', roomId).executeTakeFirst();
  }

  /** Public rooms by name, optionally whose name contains `search` (case-insensitive). */
  async listPublic(q: ReadScope, search: string | undefined, limit: number): Promise<Room[]> {
    const rows = await q
      .selectFrom('rooms as r')
      .select(ROOM_COLUMNS)
      .where('r.visibility', '=', 'public')
      .$if(!!search, (qb) => qb.where('r.name', 'ilike', `%${likeEscape(search!)}%`))
      .orderBy('r.name')
      .orderBy('r.id')
      .limit(limit)
      .execute();
    return rows.map(rowToRoom);
  }

  /** The caller's rooms, most recently active first (queries/rooms.my-rooms.sql). */
  async listForMember(q: ReadScope, userId: string): Promise<MyRoom[]> {
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .select([...ROOM_COLUMNS, 'm.role', 'm.joined_seq'])
      .where('m.user_id', '=', userId)
      .orderBy('r.last_seq', 'desc')
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({ ...rowToRoom(r), role: r.role, joinedSeq: Number(r.joined_seq) }));
  }

  /** The slim form the realtime edge asks for over NATS. */
  async listIdsForMember(q: ReadScope, userId: string): Promise<{ roomId: string; joinedSeq: number; lastSeq: number }[]> {
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .select(['m.room_id', 'm.joined_seq', 'r.last_seq'])
      .where('m.user_id', '=', userId)
      .orderBy('r.last_seq', 'desc')
      .orderBy('m.room_id')
      .execute();
    return rows.map((r) => ({ roomId: r.room_id, joinedSeq: Number(r.joined_seq), lastSeq: Number(r.last_seq) }));
  }
}
