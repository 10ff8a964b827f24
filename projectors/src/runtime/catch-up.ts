import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ReadModelDB } from '@natter/infra/runtime';
import { readCheckpoint } from './checkpoint';
import { StreamReader, type BatchOptions } from './stream-reader';
import { applyBatch, type BatchEffects, type Projection } from './projection';

/** Where a catch-up is: `seq` applied of `lastSeq` to reach, in `schema`. */
export interface Progress {
  schema: string;
  seq: number;
  lastSeq: number;
  eventsPerSec: number;
}

export interface CatchUpResult {
  fromSeq: number;
  checkpoint: number;
  events: number;
  ms: number;
}

/**
 * Applies the stream to `schema` from its checkpoint + 1 up to exactly `toSeq` (never past it), with the same
 * batch + checkpoint code as the live projector. Used by rebuilds; the caller decides whether it must hold the
 * projection lock (it must when `schema` is the live one). Logs progress every `progressMs` and hands it to
 * `onProgress`, and once more at the end.
 */
export async function catchUp(
  nc: NatsConnection,
  db: Kysely<ReadModelDB>,
  schema: string,
  projection: Projection,
  toSeq: number,
  log: Logger,
  opts: { batch: BatchOptions; progressMs?: number; idleTimeoutMs?: number; onProgress?: (p: Progress) => void; effects?: BatchEffects },
): Promise<CatchUpResult> {
  await projection.prepare?.(db, schema);
  const start = await readCheckpoint(db, schema, projection.name);
  const t0 = performance.now();
  let checkpoint = start;
  let events = 0;
  if (start >= toSeq) return { fromSeq: start + 1, checkpoint, events, ms: 0 };
  const source = StreamReader.open(nc, start + 1, opts.batch, log);
  let lastLog = t0;
  let lastLogEvents = 0;
  try {
    while (checkpoint < toSeq) {
      const idle = AbortSignal.timeout(opts.idleTimeoutMs ?? 30_000);
      const got = await source.next(idle);
      if (got.length === 0) throw new Error(`no event from the stream for ${opts.idleTimeoutMs ?? 30_000} ms at seq ${checkpoint} (target ${toSeq})`);
      const batch = got[got.length - 1].seq > toSeq ? got.filter((m) => m.seq <= toSeq) : got;
      if (batch.length === 0) break;
      const r = await applyBatch(db, schema, projection, batch, log, opts.effects, checkpoint);
      checkpoint = r.checkpoint;
      events += batch.length;
      const now = performance.now();
      if (now - lastLog >= (opts.progressMs ?? 2000)) {
        const p: Progress = { schema, seq: checkpoint, lastSeq: toSeq, eventsPerSec: Math.round(((events - lastLogEvents) * 1000) / (now - lastLog)) };
        log.info(p, 'replay progress');
        opts.onProgress?.(p);
        lastLog = now;
        lastLogEvents = events;
      }
    }
  } finally {
    await source.close();
  }
  const ms = performance.now() - t0;
  opts.onProgress?.({ schema, seq: checkpoint, lastSeq: toSeq, eventsPerSec: ms > 0 ? Math.round((events * 1000) / ms) : 0 });
  return { fromSeq: start + 1, checkpoint, events, ms };
}
