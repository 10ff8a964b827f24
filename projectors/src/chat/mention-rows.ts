import { sql, type Transaction } from 'kysely';
import type { StoredEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';

/** Whose mention rows a batch changed: (room, user) pairs, user '*' for @room/@here rows. */
export interface MentionChange {
  roomId: string;
  userId: string;
}

/**
 * Keeps `message_mentions` (issue 12: unread mention counts) equal to what the room timeline's live messages
 * mention now: for every message the batch sent (to the timeline), edited or deleted, its rows are replaced by
 * ones derived from `messages.mentions` as the batch's change set left it (edits re-resolve mentions, a delete
 * clears them). One row per mentioned user, or a single '*' row for @room/@here. Runs in the batch's
 * transaction after the change set is written; derived from the final row only, so batch-independent.
 * Returns whose rows it removed or added (the counts kept at each marker follow them: marker-counts.ts).
 */
export async function syncMentionRows(trx: Transaction<ReadModelDB>, schema: string, events: readonly StoredEvent[]): Promise<MentionChange[]> {
  const rooms: string[] = [];
  const seqs: number[] = [];
  let changed = false; // an edit or delete: rows of an earlier message may go
  for (const e of events) {
    if (e.type === 'MessageSent' && e.data.mentions && (!e.data.thread || e.data.thread.alsoToRoom)) {
      rooms.push(e.data.roomId);
      seqs.push(e.seq);
    } else if (e.type === 'MessageEdited' || e.type === 'MessageDeleted') {
      rooms.push(e.data.roomId);
      seqs.push(e.data.messageSeq);
      changed = true;
    }
  }
  if (rooms.length === 0) return [];
  const s = sql.id(schema);
  const touched = sql`select * from unnest(${rooms}::text[], ${seqs}::bigint[]) as b(room_id, seq)`;
  type Pair = { room_id: string; user_id: string };
  const removed = changed ? (await sql<Pair>`delete from ${s}.message_mentions mm using (${touched}) b where mm.room_id = b.room_id and mm.seq = b.seq returning mm.room_id, mm.user_id`.execute(trx)).rows : [];
  const added = await sql<Pair>`
    insert into ${s}.message_mentions (user_id, room_id, seq)
    select t.target, m.room_id, m.seq
    from ${s}.messages m
    join (select distinct room_id, seq from (${touched}) x) b on b.room_id = m.room_id and b.seq = m.seq
    cross join lateral (
      select '*' as target where (m.mentions ->> 'room')::boolean or (m.mentions ->> 'here')::boolean
      union all
      select jsonb_array_elements_text(m.mentions -> 'userIds') where not ((m.mentions ->> 'room')::boolean or (m.mentions ->> 'here')::boolean)
    ) t
    where m.in_room and not m.deleted
    on conflict do nothing
    returning room_id, user_id`.execute(trx);
  const out = new Map<string, MentionChange>();
  for (const r of [...removed, ...added.rows]) out.set(`${r.room_id}\n${r.user_id}`, { roomId: r.room_id, userId: r.user_id });
  return [...out.values()];
}
