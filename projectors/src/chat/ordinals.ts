import { sql, type Transaction } from 'kysely';
import type { StoredEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';

/**
 * Gives the batch's new timeline messages their `ord` (issue 12): 1, 2, 3, ... per room in seq order, after the
 * room's `msg_ord`, which moves to the last one given. Runs in the batch's transaction after its change set is
 * written (so the messages exist) and before the checkpoint moves. Batch-independent: every earlier timeline
 * message already has its ord (they were inserted by earlier batches, in stream order), so a message's ord is
 * its position in the room's timeline however the stream is cut into batches: a rebuild gives the same ords.
 * Found through a partial index that only holds messages without one (empty between batches).
 */
export async function assignOrdinals(trx: Transaction<ReadModelDB>, schema: string, events: readonly StoredEvent[]): Promise<void> {
  if (!events.some((e) => e.type === 'MessageSent' && (!e.data.thread || e.data.thread.alsoToRoom))) return;
  const s = sql.id(schema);
  await sql`
    with fresh as (
      select room_id, seq, row_number() over (partition by room_id order by seq) as n
      from ${s}.messages where in_room and ord is null
    ), given as (
      update ${s}.messages m set ord = r.msg_ord + f.n
      from fresh f join ${s}.rooms r on r.id = f.room_id
      where m.room_id = f.room_id and m.seq = f.seq
      returning m.room_id, m.ord
    )
    update ${s}.rooms r set msg_ord = g.last
    from (select room_id, max(ord) as last from given group by room_id) g
    where r.id = g.room_id`.execute(trx);
}
