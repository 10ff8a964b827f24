import type { UnreadState } from '@natter/contracts';
import { sql } from 'kysely';
import type { ReadScope } from '../read-model/scope';

// Predicates of partial indexes are written as literals (not bound parameters) so the planner can always use them.

/** The message state that means "mentions nobody" (the column's default, and what a delete sets). */
const NO_MENTIONS = sql.lit('{"userIds": [], "room": false, "here": false}');

/**
 * Exact unread and mention counts per room for one reader (issue 12), by sequence arithmetic on the chat read
 * model (infra/migrations/read-model/read-model.sql, "read state"). For each of the reader's rooms, with
 * marker = greatest(their read marker, their join):
 *   unread   = rooms.msg_ord - ord of the last timeline message at or before the marker
 *              - deleted timeline messages after the marker
 *   mentions = timeline messages after the marker, not deleted, not the reader's, that mention them
 *              (@them, @room or @here)
 *   first    = the first timeline message after the marker that is not deleted
 * The reader's own messages are never after their marker (a send moves it), so nothing is subtracted for them.
 * Cost per room: two one-row index probes (messages_ord_idx, messages_in_room_idx), plus the deleted and the
 * mentioning messages after the marker (partial indexes that hold only those): independent of how many
 * messages the room has or how far behind the reader is. SQL: queries/read-state.unread.sql.
 */
export class UnreadRepository {
  async forMember(q: ReadScope, userId: string, roomIds?: readonly string[]): Promise<Map<string, UnreadState>> {
    const out = new Map<string, UnreadState>();
    if (roomIds && roomIds.length === 0) return out;
    const rows = await q
      .with('mk', (w) =>
        w
          .selectFrom('room_members as m')
          .innerJoin('rooms as r', 'r.id', 'm.room_id')
          .leftJoin('read_markers as rm', (j) => j.onRef('rm.room_id', '=', 'm.room_id').on('rm.user_id', '=', userId).on('rm.thread_root_seq', '=', 0))
          .select(['m.room_id', 'r.msg_ord', sql<string>`greatest(coalesce(rm.seq, 0), m.joined_seq)`.as('read_seq')])
          .where('m.user_id', '=', userId)
          .$if(!!roomIds, (qb) => qb.where('m.room_id', 'in', roomIds!)),
      )
      .selectFrom('mk')
      .select((eb) => [
        'mk.room_id',
        'mk.msg_ord',
        'mk.read_seq',
        eb
          .selectFrom('messages as x')
          .select('x.ord')
          .whereRef('x.room_id', '=', 'mk.room_id')
          .where(sql<boolean>`x.in_room`)
          .whereRef('x.seq', '<=', 'mk.read_seq')
          .orderBy('x.seq', 'desc')
          .limit(1)
          .as('read_ord'),
        eb
          .selectFrom('messages as d')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('d.room_id', '=', 'mk.room_id')
          .where(sql<boolean>`d.in_room`)
          .where(sql<boolean>`d.deleted`)
          .whereRef('d.seq', '>', 'mk.read_seq')
          .as('deleted_after'),
        eb
          .selectFrom('messages as k')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('k.room_id', '=', 'mk.room_id')
          .where(sql<boolean>`k.in_room`)
          .where(sql<boolean>`k.mentions <> ${NO_MENTIONS}::jsonb`)
          .whereRef('k.seq', '>', 'mk.read_seq')
          .where('k.sender_id', '<>', userId)
          .where(sql<boolean>`(k.mentions -> 'userIds' ? ${userId} or (k.mentions ->> 'room')::boolean or (k.mentions ->> 'here')::boolean)`)
          .as('mentions'),
        eb
          .selectFrom('messages as f')
          .select('f.seq')
          .whereRef('f.room_id', '=', 'mk.room_id')
          .where(sql<boolean>`f.in_room`)
          .where(sql<boolean>`not f.deleted`)
          .whereRef('f.seq', '>', 'mk.read_seq')
          .orderBy('f.seq')
          .limit(1)
          .as('first_unread'),
      ])
      .execute();
    for (const r of rows) {
      const unread = Number(r.msg_ord) - Number(r.read_ord ?? 0) - Number(r.deleted_after ?? 0);
      out.set(r.room_id, {
        readSeq: Number(r.read_seq),
        unread: Math.max(0, unread),
        mentions: Number(r.mentions ?? 0),
        firstUnreadSeq: unread > 0 && r.first_unread != null ? Number(r.first_unread) : null,
      });
    }
    return out;
  }
}
