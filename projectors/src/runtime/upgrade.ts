import { sql, type Kysely } from 'kysely';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { Logger } from 'pino';
import { activeReadModelSchema, CHAT_PROJECTION, currentReadModelBuild, readModelVersionOf, type ReadModelDB } from '@natter/infra/runtime';
import { createReadModelSchema, READ_MODEL_VERSION } from '@natter/infra/provision';
import { nextReadModelSchema, rebuildReadModel, RebuildLockName } from './rebuild';

/**
 * An upgrade under way: `waiting` for another instance's upgrade (the lock), or `rebuilding` from the live
 * schema into `to`, `progress` from 0 to 1.
 */
export interface UpgradeStatus {
  state: 'waiting' | 'rebuilding';
  from: string;
  to?: string;
  progress: number;
}

/** The rebuild lock: an upgrade waits for a rebuild started from the admin panel, and the other way round. */
const upgradeLockName = RebuildLockName;

/**
 * The read model upgrades itself. When the live read-model schema is of an older READ_MODEL_VERSION than this
 * code (the name says: `rm_v<version>_<build>`), it is rebuilt into the new version by replay, with the same
 * machinery as `npm run replay -- --swap` (rebuild.ts), before this process projects anything:
 * - One instance does it, under a session advisory lock on a dedicated connection; the others wait for the
 *   lock and then find the version current. If the upgrading process dies, the lock goes with its connection
 *   and the next instance continues the same schema from its checkpoint (nothing is applied twice).
 * - Progress goes to the log and to `natter.read_model_builds` every 2 s (`npm run up` prints it; query-api
 *   answers reads with 503 `unavailable` "rebuilding read models (v1 -> v2): N%" meanwhile: the new code
 *   cannot read an older version's tables, and the old code no longer runs).
 * - The swap is the replay's: under the projection lock, caught up to the stream's end, pointer flipped and
 *   NOTIFY sent in one transaction; then the old schema is dropped.
 * A live schema of a NEWER version is left alone (this older code must not write it): `upgradeReadModel`
 * throws, and the projector stays out of the way.
 * Returns what was upgraded, or null when there was nothing to do.
 */
export async function upgradeReadModel(
  nc: NatsConnection,
  db: Kysely<ReadModelDB>,
  dbUrl: string,
  log: Logger,
  o: { onProgress?: (s: UpgradeStatus) => void; signal?: AbortSignal; dropDelayMs?: number } = {},
): Promise<{ from: string; to: string } | null> {
  if (!(await needsUpgrade(db))) return null;
  const lock = new pg.Client({ connectionString: dbUrl, application_name: 'natter-read-model-upgrade' });
  await lock.connect();
  const abort = () => void lock.end().catch(() => {});
  o.signal?.addEventListener('abort', abort);
  try {
    log.info({ lock: upgradeLockName }, 'read model is of an older version: waiting for the upgrade lock');
    o.onProgress?.({ state: 'waiting', from: await activeReadModelSchema(db), progress: 0 });
    await lock.query('select pg_advisory_lock(hashtext($1))', [upgradeLockName]);
    if (!(await needsUpgrade(db))) {
      log.info('read model already upgraded by another instance');
      return null;
    }
    const from = await activeReadModelSchema(db);
    const resumed = await unfinishedBuild(db, from);
    const to = resumed ?? (await nextReadModelSchema(db));
    if (!resumed) {
      await createReadModelSchema(db, to);
      await sql`insert into natter.read_model_builds (schema, projection, from_schema, target_seq, applied_seq) values (${to}, ${CHAT_PROJECTION}, ${from}, 0, 0)`.execute(db);
    }
    log.info({ from, to, version: READ_MODEL_VERSION, resumed: Boolean(resumed) }, `rebuilding read models v${readModelVersionOf(from)} -> v${READ_MODEL_VERSION}`);
    o.onProgress?.({ state: 'rebuilding', from, to, progress: 0 });
    const r = await rebuildReadModel(nc, db, dbUrl, log, {
      schema: to,
      swap: true,
      dropDelayMs: o.dropDelayMs ?? 2000,
      onProgress: (p) => {
        void sql`update natter.read_model_builds set applied_seq = ${p.seq}, target_seq = ${p.lastSeq}, updated_at = now() where schema = ${to}`.execute(db).catch(() => {});
        const progress = p.lastSeq > 0 ? p.seq / p.lastSeq : 1;
        log.info({ from, to, seq: p.seq, lastSeq: p.lastSeq, eventsPerSec: p.eventsPerSec }, `rebuilding read models v${readModelVersionOf(from)} -> v${READ_MODEL_VERSION}: ${Math.floor(progress * 100)}%`);
        o.onProgress?.({ state: 'rebuilding', from, to, progress });
      },
    });
    await sql`update natter.read_model_builds set applied_seq = ${r.finalSeq ?? r.replay.checkpoint}, target_seq = ${r.finalSeq ?? r.replay.checkpoint}, updated_at = now(), finished_at = now() where schema = ${to}`.execute(db);
    o.onProgress?.({ state: 'rebuilding', from, to, progress: 1 });
    log.info({ from, to, events: r.replay.events, ms: Math.round(r.replay.ms) }, 'read models upgraded');
    return { from, to };
  } finally {
    o.signal?.removeEventListener('abort', abort);
    await lock.end().catch(() => {}); // releases the lock
  }
}

/** True when the live schema is of an older version; throws when it is of a newer one. */
async function needsUpgrade(db: Kysely<ReadModelDB>): Promise<boolean> {
  const live = await activeReadModelSchema(db);
  const version = readModelVersionOf(live);
  if (version === null) throw new Error(`live read model ${live} is not named rm_v<version>_<build>`);
  if (version > READ_MODEL_VERSION) {
    throw new Error(`live read model ${live} is of version ${version}, newer than this projector's ${READ_MODEL_VERSION}: run the newer version, or rebuild as ${READ_MODEL_VERSION} with npm run replay -- --swap`);
  }
  return version < READ_MODEL_VERSION;
}

/** A build of this version from `from` that a dead instance left unfinished, if its schema is still there. */
async function unfinishedBuild(db: Kysely<ReadModelDB>, from: string): Promise<string | null> {
  const b = await currentReadModelBuild(db);
  if (!b || b.fromSchema !== from || readModelVersionOf(b.schema) !== READ_MODEL_VERSION) return null;
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${b.schema}`.execute(db);
  return exists.rows[0].n === 1 ? b.schema : null;
}
