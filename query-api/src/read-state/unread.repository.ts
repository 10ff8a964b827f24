import type { UnreadState } from '@natter/contracts';
import { sql } from 'kysely';
import type { ReadScope } from '../read-model/scope';

// Predicates of partial indexes are written as literals (not bound parameters) so the planner can always use them.


/**
 * Exact unread and mention counts per room for one reader (issue 12), by sequence arithmetic on the chat read
 * model (infra/migrations/read-model/read-model.sql, "read state"). For each of the reader's rooms, with
 * marker = greatest(their read marker, their join):
 *   unread   = rooms.msg_ord - ord of the last timeline message at or before the marker
 *              - deleted timeline messages after the marker
 *   mentions = message_mentions rows of the reader or '*' (@room/@here) after the marker (the live timeline
 *              messages that mention them now; theirs are never after the marker)
 *   first    = the first timeline message after the marker that is not deleted
 * The reader's own messages are never after their marker (a send moves it), so nothing is subtracted for them.
 * Cost per room: two one-row index probes (messages_ord_idx, messages_in_room_idx), plus index-only ranges over the
 * deleted messages and the reader's mention rows after the marker: independent of how many
 * messages the room has or how far behind the reader is. SQL: queries/read-state.unread.sql.
 */
export class UnreadRepository {
  async forMember(q: ReadScope, userId: string, roomIds?: readonly string[]): Promise<Map<string, UnreadState>> {
    const out = new Map<string, UnreadState>();
    if (roomIds && roomIds.length === 0) return out;
    const threads = await this.threadsOf(q, userId, roomIds);
    const rows = await q
      .with('mk', (w) =>
        w
          .selectFrom('room_members as m')
          .innerJoin('rooms as r', 'r.id', 'm.room_id')
          .leftJoin('read_markers as rm', (j) => j.onRef('rm.room_id', '=', 'm.room_id').on('rm.user_id', '=', userId).on('rm.thread_root_seq', '=', 0))
          .select(['m.room_id', 'r.msg_ord', 'r.last_seq', sql<string>`greatest(coalesce(rm.seq, 0), m.joined_seq)`.as('read_seq')])
          .where('m.user_id', '=', userId)
          .$if(!!roomIds, (qb) => qb.where('m.room_id', 'in', roomIds!)),
      )
      .selectFrom('mk')
      .select((eb) => {
        // A room read up to its newest timeline message (the common case) costs no probe at all.
        const behind = sql<boolean>`mk.read_seq < mk.last_seq`;
        const readOrd = eb.selectFrom('messages as x').select('x.ord').whereRef('x.room_id', '=', 'mk.room_id').where(sql<boolean>`x.in_room`).whereRef('x.seq', '<=', 'mk.read_seq').orderBy('x.seq', 'desc').limit(1);
        const deletedAfter = eb
          .selectFrom('messages as d')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('d.room_id', '=', 'mk.room_id')
          .where(sql<boolean>`d.in_room`)
          .where(sql<boolean>`d.deleted`)
          .whereRef('d.seq', '>', 'mk.read_seq');
        const mentions = eb.selectFrom('message_mentions as k').select(eb.fn.countAll<string>().as('n')).where('k.user_id', 'in', [userId, '*']).whereRef('k.room_id', '=', 'mk.room_id').whereRef('k.seq', '>', 'mk.read_seq');
        const first = eb.selectFrom('messages as f').select('f.seq').whereRef('f.room_id', '=', 'mk.room_id').where(sql<boolean>`f.in_room`).where(sql<boolean>`not f.deleted`).whereRef('f.seq', '>', 'mk.read_seq').orderBy('f.seq').limit(1);
        return [
          'mk.room_id',
          'mk.msg_ord',
          'mk.read_seq',
          sql<string | null>`case when ${behind} then (${readOrd}) else mk.msg_ord end`.as('read_ord'),
          sql<string | null>`case when ${behind} then (${deletedAfter}) else 0 end`.as('deleted_after'),
          sql<string | null>`case when ${behind} then (${mentions}) else 0 end`.as('mentions'),
          sql<string | null>`case when ${behind} then (${first}) end`.as('first_unread'),
        ];
      })
      .execute();
    for (const r of rows) {
      const unread = Number(r.msg_ord) - Number(r.read_ord ?? 0) - Number(r.deleted_after ?? 0);
      out.set(r.room_id, {
        readSeq: Number(r.read_seq),
        unread: Math.max(0, unread),
        mentions: Number(r.mentions ?? 0),
        firstUnreadSeq: unread > 0 && r.first_unread != null ? Number(r.first_unread) : null,
        ...(threads.has(r.room_id) ? { threads: threads.get(r.room_id) } : {}),
      });
    }
    return out;
  }

  /**
   * Unread replies per thread the reader takes part in (thread_participants: the root's author and every
   * replier), after marker = greatest(thread marker, their first post in the thread, their join). A range of
   * messages_thread_idx (room_id, thread_root_seq, seq) per thread: the cost is the thread's replies after the
   * marker (threads are conversations, not rooms; a room timeline has the ordinals). Threads with none unread
   * are left out. SQL: queries/read-state.threads.sql.
   */
  async threadsOf(q: ReadScope, userId: string, roomIds?: readonly string[]): Promise<Map<string, NonNullable<UnreadState['threads']>>> {
    const rows = await q
      .with('tk', (w) =>
        w
          .selectFrom('thread_participants as tp')
          .innerJoin('room_members as m', (j) => j.onRef('m.room_id', '=', 'tp.room_id').on('m.user_id', '=', userId))
          .leftJoin('read_markers as rm', (j) => j.onRef('rm.room_id', '=', 'tp.room_id').onRef('rm.thread_root_seq', '=', 'tp.root_seq').on('rm.user_id', '=', userId))
          .select(['tp.room_id', 'tp.root_seq', sql<string>`greatest(coalesce(rm.seq, 0), tp.first_seq, m.joined_seq)`.as('read_seq')])
          .where('tp.user_id', '=', userId)
          .$if(!!roomIds, (qb) => qb.where('tp.room_id', 'in', roomIds!)),
      )
      .selectFrom('tk')
      .select((eb) => [
        'tk.room_id',
        'tk.root_seq',
        'tk.read_seq',
        eb
          .selectFrom('messages as t')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('t.room_id', '=', 'tk.room_id')
          .whereRef('t.thread_root_seq', '=', 'tk.root_seq')
          .whereRef('t.seq', '>', 'tk.read_seq')
          .where(sql<boolean>`not t.deleted`)
          .where('t.sender_id', '<>', userId)
          .as('unread'),
        eb
          .selectFrom('messages as k')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('k.room_id', '=', 'tk.room_id')
          .whereRef('k.thread_root_seq', '=', 'tk.root_seq')
          .whereRef('k.seq', '>', 'tk.read_seq')
          .where('k.sender_id', '<>', userId)
          .where(sql<boolean>`(k.mentions -> 'userIds' ? ${userId} or (k.mentions ->> 'room')::boolean or (k.mentions ->> 'here')::boolean)`)
          .as('mentions'),
      ])
      .execute();
    const out = new Map<string, NonNullable<UnreadState['threads']>>();
    for (const r of rows) {
      const unread = Number(r.unread ?? 0);
      if (unread === 0) continue;
      const list = out.get(r.room_id) ?? [];
      list.push({ rootSeq: Number(r.root_seq), readSeq: Number(r.read_seq), unread, mentions: Number(r.mentions ?? 0) });
      out.set(r.room_id, list);
    }
    for (const list of out.values()) list.sort((a, b) => a.rootSeq - b.rootSeq);
    return out;
  }
}
