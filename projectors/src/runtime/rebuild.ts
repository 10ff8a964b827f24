/**
 * Rebuild the chat read model by replaying the event stream. One implementation, run by the CLI
 * (`npm run replay`, scripts/src/replay.ts), by the read-model upgrade on start (upgrade.ts) and by a projectors
 * instance when a server admin presses "rebuild" (rebuild-service.ts); the last two report `onProgress`.
 *
 * Design (how the live projector and a rebuild share the projection):
 * 1. Bulk replay WITHOUT the lock. A new schema `rm_v<READ_MODEL_VERSION>_<next build>` is created and the
 *    stream is applied to it from seq 1 up to the stream's last seq at start, with the projector's own code
 *    (projectors: catchUp -> applyBatch: batch + checkpoint in one transaction). Nobody else writes the new
 *    schema, and the live projector keeps serving the old one meanwhile.
 * 2. Final step UNDER the projection's advisory lock (only for --verify / --swap). The replay sends
 *    `NOTIFY natter_rebuild, 'chat'` and then queues in a blocking `pg_advisory_lock` (bounded by
 *    lock_timeout). The live projector, on that notification, finishes its current batch, closes its lock
 *    connection (releasing the lock) and goes standby; Postgres grants a released lock to the queued waiter
 *    before any later `pg_try_advisory_lock`, so the replay gets it. While we hold it, no projector writes
 *    anything: we are the only writer of both schemas.
 *    - S = the stream's last seq now. The new schema is caught up to exactly S.
 *    - --verify: the live schema is ALSO caught up to exactly S (same code, and we are its only writer while
 *      we hold the lock), so both are at the same checkpoint; then every table is compared with
 *      `EXCEPT ALL` both ways. Comparing "rows with seq <= common seq" would not be correct: rows are mutable
 *      (member_count, display_name, deleted memberships), so only the whole state at one checkpoint compares.
 *    - --swap (refused if --verify found a difference): in ONE transaction, `natter.read_models` is pointed at
 *      the new schema and `NOTIFY natter_read_model, '<new schema>'` is sent (query-api switches on it).
 *    Then the lock is released. The projector re-reads the active schema whenever it (re)acquires the lock,
 *    so it resumes on the new schema from its checkpoint S + 1.
 * 3. After a swap the old schema is dropped (after `dropDelayMs`, so reads in flight on it can finish).
 *    Without --swap the new schema is dropped at the end unless --keep.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { Streams } from '@natter/contracts';
import { activeReadModelSchema, CHAT_PROJECTION, MsgDedupeWriter, NatsRequester, type ReadModelDB } from '@natter/infra/runtime';
// The read model's definition (its SQL and version) is provisioning's; projectors build new versions from it.
import { createReadModelSchema, READ_MODEL_VERSION, readModelSchemaName } from '@natter/infra/provision';
import { chatProjection } from '../chat/chat.projection';
import { searchProjection } from '../search/search.projection';
import { projectionLockName, ReadModelChannel, RebuildChannel } from './advisory-lock';
import { catchUp, type CatchUpResult, type Progress } from './catch-up';
import { readCheckpoint } from './checkpoint';
import type { BatchEffects, Projection } from './projection';
import type { BatchOptions } from './stream-reader';

export interface RebuildOptions {
  verify?: boolean;
  swap?: boolean;
  /** Keep the new schema when not swapping (default: drop it). */
  keep?: boolean;
  batch?: BatchOptions;
  /** How long to wait for the live projector to hand over the lock. */
  lockTimeoutMs?: number;
  /** Wait before dropping the old schema after a swap. */
  dropDelayMs?: number;
  /** Continue building this schema (of READ_MODEL_VERSION, not live) from its checkpoint instead of a new one. */
  schema?: string;
  /** Called every couple of seconds while replaying, and at each later step. */
  onProgress?: (p: RebuildProgress) => void;
}

/** Where a rebuild is: its step, and the seq applied to the new schema of the seq it is going to. */
export interface RebuildProgress extends Progress {
  phase: 'replaying' | 'catching_up' | 'verifying' | 'swapping';
}

/**
 * One rebuild at a time in the whole deployment, whoever starts it (the upgrade on start, the admin panel's
 * button): a Postgres advisory lock of this name, held for its duration.
 */
export const RebuildLockName = `natter.read-model-rebuild.${CHAT_PROJECTION}`;

export interface TableComparison {
  table: string;
  newRows: number;
  liveRows: number;
  /** Rows in one schema and not the other (both directions, with multiplicity). 0 = equal. */
  differing: number;
}

export interface RebuildResult {
  schema: string;
  liveSchema: string;
  /** The chat projection's replay (what query-api waits for). */
  replay: CatchUpResult & { eventsPerSec: number };
  /** Each projection's replay into the new schema, in order (chat, then search), each from checkpoint 0. */
  projections: Record<string, CatchUpResult & { eventsPerSec: number }>;
  /** The sequence both schemas were brought to under the lock (verify/swap). */
  finalSeq: number | null;
  comparison: TableComparison[] | null;
  equal: boolean | null;
  swapped: boolean;
  dropped: string | null;
}

const defaultBatch: BatchOptions = { maxEvents: 1000, lingerMs: 5 };

/**
 * Every projection whose tables live in the read-model schema: a rebuild replays each from its own checkpoint,
 * holds each one's lock for the final step, and compares and swaps the schema with all of them in it.
 */
const schemaProjections: readonly Projection[] = [chatProjection, searchProjection];

/** Next build number of the current read-model version: one more than any schema of that version present. */
export async function nextReadModelSchema(db: Kysely<ReadModelDB>): Promise<string> {
  const prefix = `rm_v${READ_MODEL_VERSION}_`;
  const r = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname like ${prefix + '%'}`.execute(db);
  const builds = r.rows.map((x) => Number(x.nspname.slice(prefix.length))).filter((n) => Number.isInteger(n));
  return readModelSchemaName(READ_MODEL_VERSION, builds.length ? Math.max(...builds) + 1 : 0);
}

async function streamLastSeq(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(Streams.events)).state.last_seq;
}

/** Compares every table of two read-model schemas of the same version, row for row. */
export async function compareSchemas(db: Kysely<ReadModelDB>, a: string, b: string): Promise<TableComparison[]> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${a} order by 1`.execute(db);
  const out: TableComparison[] = [];
  for (const { table_name: t } of tables.rows) {
    const ta = sql.table(`${a}.${t}`);
    const tb = sql.table(`${b}.${t}`);
    const r = await sql<{ new_rows: number; live_rows: number; differing: number }>`
      select (select count(*) from ${ta})::int as new_rows,
             (select count(*) from ${tb})::int as live_rows,
             (select count(*) from ((select * from ${ta} except all select * from ${tb})
                                    union all (select * from ${tb} except all select * from ${ta})) d)::int as differing`.execute(db);
    out.push({ table: t, newRows: r.rows[0].new_rows, liveRows: r.rows[0].live_rows, differing: r.rows[0].differing });
  }
  return out;
}

/** Holds the advisory locks of `projections` for `fn`, after asking each live projector to yield its own. */
async function withProjectionLocks<T>(dbUrl: string, projections: readonly string[], timeoutMs: number, log: Logger, fn: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: dbUrl, application_name: 'natter-replay' });
  await c.connect();
  const held: string[] = [];
  try {
    await c.query(`set lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    // Always in the same order (the list's), so two rebuilds could never hold one lock each.
    for (const projection of projections) {
      await c.query('select pg_notify($1, $2)', [RebuildChannel, projection]);
      log.info({ projection }, 'waiting for the projection lock (live projector yields it)');
      await c.query('select pg_advisory_lock(hashtext($1))', [projectionLockName(projection)]);
      held.push(projection);
      log.info({ projection }, 'projection lock held: live projector paused');
    }
    return await fn();
  } finally {
    for (const projection of held.reverse()) {
      await c.query('select pg_advisory_unlock(hashtext($1))', [projectionLockName(projection)]).catch(() => {});
      log.info({ projection }, 'projection lock released');
    }
    await c.end().catch(() => {});
  }
}

export async function rebuildReadModel(nc: NatsConnection, db: Kysely<ReadModelDB>, dbUrl: string, log: Logger, opts: RebuildOptions = {}): Promise<RebuildResult> {
  const batch = opts.batch ?? defaultBatch;
  const liveSchema = await activeReadModelSchema(db);
  const schema = opts.schema ?? (await nextReadModelSchema(db));
  if (!opts.schema) await createReadModelSchema(db, schema);
  const target = await streamLastSeq(nc);
  log.info({ schema, liveSchema, lastSeq: target }, 'replaying the stream into a new read-model schema');
  const step = (phase: RebuildProgress['phase'], seq: number, lastSeq: number) => opts.onProgress?.({ phase, schema, seq, lastSeq, eventsPerSec: 0 });
  step('replaying', 0, target);
  // Chat first (what query-api needs), then search; each from its own checkpoint in the new schema.
  const parts: CatchUpResult[] = [];
  for (const p of schemaProjections) {
    parts.push(await catchUp(nc, db, schema, p, target, log.child({ projection: p.name }), { batch, onProgress: (x) => opts.onProgress?.({ ...x, phase: 'replaying' }) }));
  }
  const rate = (x: CatchUpResult) => ({ ...x, eventsPerSec: x.ms > 0 ? Math.round((x.events * 1000) / x.ms) : 0 });
  const r = parts[0];
  const replay = rate(r);
  const projections = Object.fromEntries(schemaProjections.map((p, i) => [p.name, rate(parts[i])]));
  log.info({ schema, events: r.events, ms: Math.round(r.ms), eventsPerSec: replay.eventsPerSec, checkpoint: r.checkpoint }, 'replay done');

  const result: RebuildResult = { schema, liveSchema, replay, projections, finalSeq: null, comparison: null, equal: null, swapped: false, dropped: null };
  if (opts.verify && !liveSchema.startsWith(`rm_v${READ_MODEL_VERSION}_`)) {
    throw new Error(`cannot verify: live schema ${liveSchema} is another read-model version than ${schema}`);
  }
  if (opts.verify || opts.swap) {
    const requests = new NatsRequester(nc);
    try {
      await withProjectionLocks(dbUrl, schemaProjections.map((p) => p.name), opts.lockTimeoutMs ?? 30_000, log, async () => {
        const s = await streamLastSeq(nc);
        step('catching_up', r.checkpoint, s);
        // The live projector stopped at its checkpoint; the events after it are applied here, and their sends'
        // dedupe records are written here too, as the live projector would have (it resumes after s).
        const live = await readCheckpoint(db, liveSchema, CHAT_PROJECTION);
        const dedupe = new MsgDedupeWriter(requests);
        const effects: BatchEffects = (events) => dedupe.putSends(events.filter((e) => e.seq > live));
        await catchUp(nc, db, schema, chatProjection, s, log, { batch, effects });
        for (const p of schemaProjections) if (p !== chatProjection) await catchUp(nc, db, schema, p, s, log, { batch });
        result.finalSeq = s;
        if (opts.verify) {
          step('verifying', s, s);
          await catchUp(nc, db, liveSchema, chatProjection, s, log, { batch, effects });
          for (const p of schemaProjections) if (p !== chatProjection) await catchUp(nc, db, liveSchema, p, s, log, { batch });
          result.comparison = await compareSchemas(db, schema, liveSchema);
          result.equal = result.comparison.every((t) => t.differing === 0 && t.newRows === t.liveRows);
          const level = result.equal ? 'info' : 'error';
          log[level]({ schema, liveSchema, seq: s, tables: result.comparison, equal: result.equal }, 'verify');
        }
        if (opts.swap) {
          if (result.equal === false) throw new Error(`verify failed: not swapping; ${schema} left in place for inspection`);
          step('swapping', s, s);
          await db.transaction().execute(async (trx) => {
            const u = await sql`update natter.read_models set active_schema = ${schema}, switched_at = now()
              where projection = ${CHAT_PROJECTION} and active_schema = ${liveSchema}`.execute(trx);
            if (Number(u.numAffectedRows) !== 1) throw new Error('active read model changed during the rebuild');
            await sql`select pg_notify(${ReadModelChannel}, ${schema})`.execute(trx);
          });
          result.swapped = true;
          log.info({ from: liveSchema, to: schema, seq: s }, 'read model swapped');
        }
      });
    } finally {
      requests.close();
    }
  }
  const drop = result.swapped ? liveSchema : opts.keep ? null : schema;
  if (drop) {
    if (result.swapped && (opts.dropDelayMs ?? 0) > 0) await new Promise((res) => setTimeout(res, opts.dropDelayMs));
    await sql`drop schema ${sql.id(drop)} cascade`.execute(db);
    result.dropped = drop;
    log.info({ schema: drop }, 'schema dropped');
  } else if (!result.swapped) {
    log.info({ schema }, 'new schema kept (not live)');
  }
  return result;
}
