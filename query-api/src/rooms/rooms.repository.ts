import type { MyRoom, Peer, Room } from '@natter/contracts';
import type { RoomRow } from '@natter/infra/runtime';
import type { ReadScope } from '../read-model/scope';
import { unreadColumns, unreadStateOf } from '../read-state/unread.repository';

const ROOM_COLUMNS = ['r.id', 'r.name', 'r.topic', 'r.visibility', 'r.kind', 'r.archived', 'r.created_by', 'r.created_at', 'r.member_count', 'r.last_seq'] as const;
export type RoomColumns = Pick<RoomRow, 'id' | 'name' | 'topic' | 'visibility' | 'kind' | 'archived' | 'created_by' | 'created_at' | 'member_count' | 'last_seq'>;

export const iso = (t: Date | string) => (t instanceof Date ? t.toISOString() : new Date(t).toISOString());

export function rowToRoom(r: RoomColumns): Room {
  return {
    id: r.id,
    name: r.name,
    topic: r.topic,
    visibility: r.visibility,
    kind: r.kind,
    archived: r.archived,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    memberCount: Number(r.member_count),
    lastSeq: Number(r.last_seq),
  };
}

/** `%`, `_` and `\` in a user's search text match themselves. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The `rooms` read model (joined with the caller's membership for "my rooms"). SQL: queries/rooms.*.sql.
 * Deleted rooms are kept as rows (flag `deleted`) and left out of every answer here.
 */
export class RoomsRepository {
  findById(q: ReadScope, roomId: string): Promise<RoomColumns | undefined> {
    return q.selectFrom('rooms as r').select(ROOM_COLUMNS).where('r.id', '=', roomId).where('r.deleted', '=', false).executeTakeFirst();
  }

  /** Public rooms by name, optionally whose name contains `search` (case-insensitive). */
  async listPublic(q: ReadScope, search: string | undefined, limit: number): Promise<Room[]> {
    return this.list(q, search, limit, { publicOnly: true });
  }

  /** Rooms by name (not direct messages), optionally filtered by a name substring; `publicOnly` or every one (admin). */
  async list(q: ReadScope, search: string | undefined, limit: number, opts: { publicOnly: boolean }): Promise<Room[]> {
    const rows = await q
      .selectFrom('rooms as r')
      .select(ROOM_COLUMNS)
      .$if(opts.publicOnly, (qb) => qb.where('r.visibility', '=', 'public'))
      .where('r.kind', '=', 'room')
      .where('r.deleted', '=', false)
      .$if(!!search, (qb) => qb.where('r.name', 'ilike', `%${likeEscape(search!)}%`))
      .orderBy('r.name')
      .orderBy('r.id')
      .limit(limit)
      .execute();
    return rows.map(rowToRoom);
  }

  /** The caller's rooms, most recently active first, with their unread counts (queries/rooms.my-rooms.sql). */
  async listForMember(q: ReadScope, userId: string): Promise<Omit<MyRoom, 'peers'>[]> {
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .select([...ROOM_COLUMNS, 'm.role', 'm.joined_seq'])
      .select(unreadColumns())
      .where('m.user_id', '=', userId)
      .where('r.deleted', '=', false)
      .orderBy('r.last_seq', 'desc')
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({ ...rowToRoom(r), role: r.role, joinedSeq: Number(r.joined_seq), unread: unreadStateOf(r) }));
  }

  /** The other people of the caller's direct-message rooms among `roomIds` (queries/rooms.dm-peers.sql). */
  async peers(q: ReadScope, roomIds: string[], userId: string): Promise<Map<string, Peer[]>> {
    const out = new Map<string, Peer[]>();
    if (roomIds.length === 0) return out;
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.room_id', 'm.user_id', 'u.username', 'u.display_name'])
      .where('m.room_id', 'in', roomIds)
      .where('m.user_id', '<>', userId)
      .orderBy('m.room_id')
      .orderBy('u.username_lower')
      .execute();
    for (const r of rows) {
      const list = out.get(r.room_id) ?? [];
      list.push({ userId: r.user_id, username: r.username, displayName: r.display_name });
      out.set(r.room_id, list);
    }
    return out;
  }

  /** The slim form the realtime edge asks for over NATS (deleted rooms are not delivered). */
  async listIdsForMember(q: ReadScope, userId: string): Promise<{ roomId: string; joinedSeq: number; lastSeq: number }[]> {
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .select(['m.room_id', 'm.joined_seq', 'r.last_seq'])
      .where('m.user_id', '=', userId)
      .where('r.deleted', '=', false)
      .orderBy('r.last_seq', 'desc')
      .orderBy('m.room_id')
      .execute();
    return rows.map((r) => ({ roomId: r.room_id, joinedSeq: Number(r.joined_seq), lastSeq: Number(r.last_seq) }));
  }
}
