import { sql, type Transaction } from 'kysely';
import type { ReadModelDB } from '@natter/infra/runtime';
import { max, type ChangeSet } from '../runtime/change-set';

/**
 * Gives the batch's new timeline messages their `ord` (issue 12): 1, 2, 3, ... per room in seq order, after the
 * room's `msg_ord`, which moves to the last one given. Runs on the batch's change set before it is written, so
 * each message row is written once, with its ord (setting it afterwards rewrote every new row and all six of
 * its index entries, and the planner, misled by a young table's statistics, looked the new rows up by room
 * only: a scan of the whole room per message). One read: the `msg_ord` of the rooms with new messages.
 * Batch-independent: every earlier timeline message already has its ord (earlier batches inserted them, in
 * stream order), so a message's ord is its position in the room's timeline however the stream is cut into
 * batches: a rebuild gives the same ords. A room created in this batch has no row yet: it starts at 0.
 */
export async function assignOrdinals(trx: Transaction<ReadModelDB>, schema: string, out: ChangeSet<ReadModelDB>): Promise<void> {
  const inserted = out.tables.get('messages')?.inserts;
  if (!inserted) return;
  const byRoom = new Map<string, Record<string, unknown>[]>();
  for (const row of inserted.values()) {
    if (row.in_room !== true) continue;
    const rows = byRoom.get(row.room_id as string);
    if (rows) rows.push(row);
    else byRoom.set(row.room_id as string, [row]);
  }
  if (byRoom.size === 0) return;
  const last = await sql<{ id: string; msg_ord: string }>`
    select id, msg_ord from ${sql.id(schema)}.rooms where id = any(${[...byRoom.keys()]}::text[])`.execute(trx);
  const base = new Map(last.rows.map((r) => [r.id, Number(r.msg_ord)]));
  for (const [roomId, rows] of byRoom) {
    rows.sort((a, b) => (a.seq as number) - (b.seq as number));
    let ord = base.get(roomId) ?? 0;
    for (const row of rows) row.ord = ++ord;
    out.patch('rooms', { id: roomId }, { msg_ord: max(ord) });
  }
}
