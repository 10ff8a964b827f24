import type { UnreadState } from '@natter/contracts';
import { sql } from 'kysely';
import type { ReadScope } from '../read-model/scope';

// Predicates of partial indexes are written as literals (not bound parameters) so the planner can always use them.


/**
 * Exact unread and mention counts per room for one reader (issue 12), by sequence arithmetic on the chat read
 * model (infra/migrations/read-model/read-model.sql, "read state" and "counts kept at each reader's marker").
 * The projection keeps, on the reader's membership row `m`, what is at or before their effective room marker
 * (the greater of their read marker and their join): the ordinal of the last timeline message there, the
 * deleted timeline messages and mention rows up to there, and the first live timeline message after it; and on
 * the room `r` its totals. Then per room:
 *   unread   = r.msg_ord - m.read_ord - (r.deleted_msgs - m.read_deleted)
 *   mentions = m.mentions_total + r.room_mentions - m.read_mentions
 *   first    = m.first_unread_seq
 * The reader's own messages are never after their marker (a send moves it), so nothing is subtracted for them.
 * No count reads a message: whatever a room's size or how far behind the reader is, a room costs its membership
 * row and its room row. Selected with the reader's rooms (RoomsRepository.listForMember, SQL:
 * queries/rooms.my-rooms.sql), one statement for the whole list.
 */
export function unreadColumns() {
  return [
    'm.read_seq',
    sql<string>`r.msg_ord - m.read_ord - (r.deleted_msgs - m.read_deleted)`.as('unread'),
    sql<string>`m.mentions_total + r.room_mentions - m.read_mentions`.as('mentions'),
    'm.first_unread_seq as first_unread',
  ] as const;
}

/** A room's counts as the API gives them, from the columns of `unreadColumns`. */
export function unreadStateOf(r: { read_seq: string | number; unread: string; mentions: string; first_unread: string | number | null }): UnreadState {
  const unread = Math.max(0, Number(r.unread));
  return {
    readSeq: Number(r.read_seq),
    unread,
    mentions: Math.max(0, Number(r.mentions)),
    firstUnreadSeq: unread > 0 && r.first_unread != null ? Number(r.first_unread) : null,
  };
}

export class UnreadRepository {
  /**
   * Unread replies per thread the reader takes part in (thread_participants: the root's author and every
   * replier), after marker = greatest(thread marker, their first post in the thread, their join). A range of
   * messages_thread_idx (room_id, thread_root_seq, seq) per thread: the cost is the thread's replies after the
   * marker (threads are conversations, not rooms; a room timeline has the ordinals). Threads with none unread
   * are left out. SQL: queries/read-state.threads.sql.
   */
  async threadsOf(q: ReadScope, userId: string): Promise<Map<string, NonNullable<UnreadState['threads']>>> {
    const rows = await q
      .with('tk', (w) =>
        w
          .selectFrom('thread_participants as tp')
          .innerJoin('room_members as m', (j) => j.onRef('m.room_id', '=', 'tp.room_id').on('m.user_id', '=', userId))
          .leftJoin('read_markers as rm', (j) => j.onRef('rm.room_id', '=', 'tp.room_id').onRef('rm.thread_root_seq', '=', 'tp.root_seq').on('rm.user_id', '=', userId))
          .select(['tp.room_id', 'tp.root_seq', sql<string>`greatest(coalesce(rm.seq, 0), tp.first_seq, m.joined_seq)`.as('read_seq')])
          .where('tp.user_id', '=', userId),
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
