import { sql, type Transaction } from 'kysely';
import type { ReadModelDB } from '@natter/infra/runtime';
import type { ChatBatch } from './chat-batch';

/**
 * Writes one reduced batch into the read-model schema `schema`, inside the caller's transaction (the same one
 * that moves the checkpoint). A handful of multi-row statements per batch, whatever its size.
 */
export async function writeChatBatch(trx: Transaction<ReadModelDB>, schema: string, b: ChatBatch): Promise<void> {
  const db = trx.withSchema(schema);
  if (b.userInserts.size) {
    await db.insertInto('users').values([...b.userInserts.values()]).onConflict((oc) => oc.doNothing()).execute();
  }
  if (b.roomInserts.size) {
    await db.insertInto('rooms').values([...b.roomInserts.values()]).onConflict((oc) => oc.doNothing()).execute();
  }
  if (b.messages.length) {
    await db.insertInto('messages').values(b.messages).onConflict((oc) => oc.columns(['room_id', 'seq']).doNothing()).execute();
  }
  const joins = [...b.members.values()].filter((m) => m !== null);
  if (joins.length) {
    await db
      .insertInto('room_members')
      .values(joins)
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet((eb) => ({ role: eb.ref('excluded.role'), joined_seq: eb.ref('excluded.joined_seq') })))
      .execute();
  }
  const leaves = [...b.members.entries()].filter(([, m]) => m === null).map(([k]) => k.split(' '));
  if (leaves.length) {
    const keys = sql.join(leaves.map(([r, u]) => sql`(${r}, ${u})`));
    await sql`delete from ${sql.table(`${schema}.room_members`)} where (room_id, user_id) in (${keys})`.execute(trx);
  }
  if (b.userUpdates.size) {
    // One statement for all changed users; a null keeps the current value.
    const rows = sql.join(
      [...b.userUpdates].map(([id, u]) => sql`(${id}::text, ${u.display_name ?? null}::text, ${u.deactivated ?? null}::boolean, ${u.updated_seq}::bigint)`),
    );
    await sql`update ${sql.table(`${schema}.users`)} as t
      set display_name = coalesce(v.display_name, t.display_name),
          deactivated = coalesce(v.deactivated, t.deactivated),
          updated_seq = greatest(t.updated_seq, v.updated_seq)
      from (values ${rows}) as v(id, display_name, deactivated, updated_seq)
      where t.id = v.id`.execute(trx);
  }
  if (b.roomUpdates.size) {
    const rows = sql.join([...b.roomUpdates].map(([id, u]) => sql`(${id}::text, ${u.memberDelta}::int, ${u.lastSeq}::bigint)`));
    await sql`update ${sql.table(`${schema}.rooms`)} as t
      set member_count = t.member_count + v.delta,
          last_seq = greatest(t.last_seq, v.last_seq)
      from (values ${rows}) as v(id, delta, last_seq)
      where t.id = v.id`.execute(trx);
  }
}
