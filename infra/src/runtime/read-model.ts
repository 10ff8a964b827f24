import { sql, type Kysely } from 'kysely';

/**
 * What every service needs to find a read model at run time: the projection names, the NOTIFY channels
 * between projectors, rebuilds and query-api, and the pointer to the live schema (`natter.read_models`).
 * Creating schemas and migrating is provisioning (`@natter/infra/provision`).
 */

/** The projection that builds users, rooms, members and messages. */
export const CHAT_PROJECTION = 'chat';

/** The projection that indexes messages for full-text search (issue 12): same schema, its own checkpoint. */
export const SEARCH_PROJECTION = 'search';

/** Postgres NOTIFY channels between projectors, the rebuild and query-api: one list, so no side renames alone. */
export const PgChannels = Object.freeze({
  /**
   * Payload `<schema>:<seq>`, after every committed batch of the chat projection (wakes query-api's minSeq
   * reads). Other projections send `<schema>/<projection>:<seq>`, which names no schema, so a minSeq waiter on
   * the chat checkpoint is never woken by another projection's progress.
   */
  projection: 'natter_projection',
  /** Payload: the new schema; natter.read_models changed (a rebuild switched schemas). */
  readModel: 'natter_read_model',
  /** Payload: the projection name; a rebuild asks the live projector to yield its lock. */
  rebuild: 'natter_rebuild',
});

export async function activeReadModelSchema(db: Kysely<any>): Promise<string> {
  const r = await sql<{ active_schema: string }>`select active_schema from natter.read_models where projection = ${CHAT_PROJECTION}`.execute(db);
  if (!r.rows[0]) throw new Error('no active read model: run migrations first');
  return r.rows[0].active_schema;
}

/** The read-model version a schema holds: `rm_v<version>_<build>` (null for another name). */
export function readModelVersionOf(schema: string): number | null {
  const m = /^rm_v(\d+)_\d+$/.exec(schema);
  return m ? Number(m[1]) : null;
}

/** A rebuild into a new read-model version, as the projectors record it in natter.read_model_builds. */
export interface ReadModelBuild {
  schema: string;
  fromSchema: string;
  targetSeq: number;
  appliedSeq: number;
  finished: boolean;
  /** appliedSeq / targetSeq, 0 to 1. */
  progress: number;
}

/** The newest unfinished rebuild of a projection, if one is under way. */
export async function currentReadModelBuild(db: Kysely<any>, projection = CHAT_PROJECTION): Promise<ReadModelBuild | null> {
  const r = await sql<{ schema: string; from_schema: string; target_seq: string; applied_seq: string; finished_at: Date | null }>`
    select schema, from_schema, target_seq, applied_seq, finished_at from natter.read_model_builds
    where projection = ${projection} and finished_at is null order by started_at desc limit 1`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  const targetSeq = Number(row.target_seq);
  const appliedSeq = Number(row.applied_seq);
  return { schema: row.schema, fromSchema: row.from_schema, targetSeq, appliedSeq, finished: row.finished_at !== null, progress: targetSeq > 0 ? Math.min(1, appliedSeq / targetSeq) : 0 };
}
