import { sql, type Transaction } from 'kysely';
import type { Kysely } from 'kysely';
import { CHAT_PROJECTION, PgChannels, type ReadModelDB } from '@natter/infra/runtime';

/** Postgres channel told `<schema>:<lastSeq>` after every committed batch (query-api wakes `minSeq` reads). */
export const ProjectionChannel = PgChannels.projection;

/** The last applied sequence, locking the checkpoint row until the transaction ends. 0 when nothing applied. */
export async function lockCheckpoint(trx: Transaction<ReadModelDB>, schema: string, projection: string): Promise<number> {
  const r = await trx.withSchema(schema).selectFrom('checkpoint').select('last_seq').where('projection', '=', projection).forUpdate().executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

export async function readCheckpoint(db: Kysely<ReadModelDB>, schema: string, projection: string): Promise<number> {
  const r = await db.withSchema(schema).selectFrom('checkpoint').select('last_seq').where('projection', '=', projection).executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

/** Moves the checkpoint and notifies listeners; both take effect only when the caller's transaction commits. */
export async function saveCheckpoint(trx: Transaction<ReadModelDB>, schema: string, projection: string, lastSeq: number): Promise<void> {
  await trx
    .withSchema(schema)
    .insertInto('checkpoint')
    .values({ projection, last_seq: lastSeq })
    .onConflict((oc) => oc.column('projection').doUpdateSet({ last_seq: lastSeq }))
    .execute();
  // query-api's minSeq waits are on the chat checkpoint; another projection's payload names no schema (PgChannels).
  const target = projection === CHAT_PROJECTION ? schema : `${schema}/${projection}`;
  await sql`select pg_notify(${ProjectionChannel}, ${`${target}:${lastSeq}`})`.execute(trx);
}
