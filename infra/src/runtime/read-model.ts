import { sql, type Kysely } from 'kysely';

/**
 * What every service needs to find a read model at run time: the projection names, the NOTIFY channels
 * between projectors, rebuilds and query-api, and the pointer to the live schema (`natter.read_models`).
 * Creating schemas and migrating is provisioning (`@natter/infra/provision`).
 */

/** The projection that builds users, rooms, members and messages. */
export const CHAT_PROJECTION = 'chat';

/** Postgres NOTIFY channels between projectors, the rebuild and query-api: one list, so no side renames alone. */
export const PgChannels = Object.freeze({
  /** Payload `<schema>:<seq>`, after every committed projection batch (wakes query-api's minSeq reads). */
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
