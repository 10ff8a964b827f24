import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { decodeEvent, type RawEvent, type StoredEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import { lockCheckpoint, saveCheckpoint } from './checkpoint';

/** A read model fed from the event stream. `apply` writes one batch inside the caller's transaction. */
export interface Projection {
  readonly name: string;
  apply(trx: Transaction<ReadModelDB>, schema: string, events: StoredEvent[]): Promise<void>;
  /**
   * Makes sure the projection's tables exist in `schema` (idempotent), before it applies anything there: a
   * projection whose tables are added to a live schema (search) creates them itself and back-fills.
   */
  prepare?(db: Kysely<ReadModelDB>, schema: string): Promise<void>;
}

/**
 * Work outside Postgres that a batch must have done before its checkpoint moves (the sends' dedupe records in
 * KV): run with the batch's new events before its transaction commits, so a failure rolls the batch back and it
 * is applied (and the work done) again. Must be idempotent.
 */
export type BatchEffects = (events: readonly StoredEvent[]) => Promise<unknown>;

export interface BatchResult {
  /** Events written (decoded and newer than the checkpoint). */
  applied: number;
  /** Messages at or below the checkpoint: already applied before (restart, redelivery, second instance). */
  skipped: number;
  /** Messages that did not decode; logged with their seq and passed over. */
  undecodable: number;
  /** The checkpoint after the batch. */
  checkpoint: number;
}

/**
 * Applies one batch in ONE transaction together with the checkpoint row: the batch's effects and the new
 * checkpoint commit or roll back together. The checkpoint row is read `for update` first and every message at
 * or below it is skipped, so a batch delivered twice (restart, redelivery, a second instance racing after a
 * lost lock) has its effects exactly once.
 */
export async function applyBatch(
  db: Kysely<ReadModelDB>,
  schema: string,
  projection: Projection,
  batch: RawEvent[],
  log: Logger,
  effects?: BatchEffects,
  committed?: number,
): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    // No WAL flush at commit: a batch is re-derivable from the stream, so the 200-600 ms of commits a Postgres
    // crash can lose this way are applied again (the checkpoint commits with them, and the caller checks it
    // below). Writers outside projections (the outboxes' dispatchers, commands) keep synchronous commits; theirs
    // flush the projections' earlier WAL too. And generic plans: a projection's statements are prepared
    // (PreparingPool) and their parameters are arrays and ids whose values do not change the best plan, but
    // some (`$1 is not null and ...`) fold into cheaper-looking custom plans, so Postgres planned them again on
    // every execution.
    const checkpoint = await lockCheckpoint(trx, schema, projection.name, { synchronous_commit: 'off', plan_cache_mode: 'force_generic_plan' });
    // `committed`: the checkpoint the caller's previous batch committed. Lower here means Postgres lost those
    // commits (a crash, above): the caller must read the stream again from the checkpoint, not go on after it.
    if (committed !== undefined && checkpoint < committed) throw new CheckpointWentBack(projection.name, checkpoint, committed);
    const fresh = batch.filter((m) => m.seq > checkpoint);
    if (fresh.length === 0) return { applied: 0, skipped: batch.length, undecodable: 0, checkpoint };
    const events: StoredEvent[] = [];
    let undecodable = 0;
    for (const m of fresh) {
      try {
        const e = decodeEvent(m.seq, m.subject, m.data);
        // `at` becomes a timestamptz: a value Postgres cannot store would stop the projection for good.
        if (Number.isNaN(Date.parse(e.at))) throw new Error(`bad envelope time ${JSON.stringify(e.at)}`);
        events.push(e);
      } catch (err) {
        undecodable++;
        log.error({ seq: m.seq, subject: m.subject, err: (err as Error).message }, 'undecodable event skipped');
      }
    }
    if (events.length && effects) await effects(events);
    if (events.length) await projection.apply(trx, schema, events);
    const last = fresh[fresh.length - 1].seq;
    await saveCheckpoint(trx, schema, projection.name, last);
    return { applied: events.length, skipped: batch.length - fresh.length, undecodable, checkpoint: last };
  });
}

/** Postgres lost batches it had committed (synchronous_commit off, then a crash): re-read from the checkpoint. */
export class CheckpointWentBack extends Error {
  constructor(projection: string, found: number, committed: number) {
    super(`projection ${projection}: checkpoint ${found} in Postgres, ${committed} committed before (lost in a Postgres crash): reading the stream again from ${found + 1}`);
  }
}
