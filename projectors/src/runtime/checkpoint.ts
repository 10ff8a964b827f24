import { sql, type Transaction } from 'kysely';
import type { Kysely } from 'kysely';
import { CHAT_PROJECTION, PgChannels, type ReadModelDB } from '@natter/infra/runtime';

/** Postgres channel told `<schema>:<lastSeq>` after every committed batch (query-api wakes `minSeq` reads). */
export const ProjectionChannel = PgChannels.projection;

/**
 * Starts a batch: the last applied sequence (0 when nothing applied), locking the checkpoint row until the
 * transaction ends, and the batch transaction's settings (`settings`: name -> value, local to it), in one
 * statement: a batch's fixed statements are a good part of its cost when batches are small.
 */
export async function lockCheckpoint(trx: Transaction<ReadModelDB>, schema: string, projection: string, settings: Readonly<Record<string, string>> = {}): Promise<number> {
  const set = Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
  const r = await sql<{ last_seq: string | number | null }>`select ${sql.join([...set, sql`(select last_seq from ${sql.table(`${schema}.checkpoint`)} where projection = ${projection} for update) as last_seq`])}`.execute(trx);
  return Number(r.rows[0]?.last_seq ?? 0);
}

export async function readCheckpoint(db: Kysely<ReadModelDB>, schema: string, projection: string): Promise<number> {
  const r = await db.withSchema(schema).selectFrom('checkpoint').select('last_seq').where('projection', '=', projection).executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

/** Moves the checkpoint and notifies listeners (one statement); both take effect only when the caller's transaction commits. */
export async function saveCheckpoint(trx: Transaction<ReadModelDB>, schema: string, projection: string, lastSeq: number): Promise<void> {
  // query-api's minSeq waits are on the chat checkpoint; another projection's payload names no schema (PgChannels).
  const target = projection === CHAT_PROJECTION ? schema : `${schema}/${projection}`;
  await sql`with saved as (
      insert into ${sql.table(`${schema}.checkpoint`)} (projection, last_seq) values (${projection}, ${lastSeq})
      on conflict (projection) do update set last_seq = excluded.last_seq
      returning last_seq)
    select pg_notify(${ProjectionChannel}, ${`${target}:${lastSeq}`}) from saved`.execute(trx);
}
