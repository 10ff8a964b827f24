import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { activeReadModelSchema, type ReadModelDB } from '@natter/infra/runtime';
import { ProjectionLock, ReadModelChannel, RebuildChannel } from './advisory-lock';
import { readCheckpoint } from './checkpoint';
import { StreamReader, type BatchOptions } from './stream-reader';
import type { ProjectorMetrics } from './metrics';
import { applyBatch, type BatchEffects, type Projection } from './projection';

export interface RunnerOptions {
  batch: BatchOptions;
  /** Standby retry period for `pg_try_advisory_lock`. */
  lockRetryMs: number;
  /** Done with every batch before it commits (the live projector records the sends' dedupe records). */
  effects?: BatchEffects;
  /** A projection in a schema of its own (notifications: `notify`), not the active read model: never switched by a rebuild. */
  schema?: string;
}

export type RunnerRole = 'starting' | 'standby' | 'active' | 'stopped';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/**
 * Runs one projection as the single active instance, or waits as standby.
 *
 * Lifecycle, repeated until stop(): open a dedicated lock connection and try `pg_try_advisory_lock` every
 * `lockRetryMs` (standby); once held (active), read the ACTIVE read-model schema and its checkpoint (a rebuild
 * may have switched the schema while we were standby), then consume the stream from checkpoint + 1 and apply
 * batches. Between batches it gives the lock up (closing the lock connection) when:
 * - a rebuild asks for it (`NOTIFY natter_rebuild, '<projection>'`): the rebuild is already queued in
 *   `pg_advisory_lock`, so Postgres grants it the lock before our next try;
 * - the active schema changes (`natter_read_model`);
 * - the lock connection is lost (then another instance may already be active).
 * A batch in flight always completes or rolls back as a whole with its checkpoint, so handing over between
 * batches never loses or doubles an effect.
 */
export class ProjectionRunner {
  role: RunnerRole = 'starting';
  schema: string | null = null;
  private readonly stopCtl = new AbortController();
  private cycle: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly db: Kysely<ReadModelDB>,
    private readonly dbUrl: string,
    private readonly projection: Projection,
    private readonly metrics: ProjectorMetrics,
    private readonly log: Logger,
    private readonly opts: RunnerOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopCtl.abort();
    this.cycle?.abort();
    await this.loop;
    this.setRole('stopped');
  }

  private setRole(role: RunnerRole): void {
    if (role === this.role) return;
    this.log.info({ projection: this.projection.name, from: this.role, to: role, schema: this.schema }, `projection ${role}`);
    this.role = role;
    this.metrics.role = role;
  }

  private onNotice = (channel: string, payload: string): void => {
    if (channel === RebuildChannel && payload === this.projection.name && this.role === 'active') {
      this.log.info({ projection: this.projection.name }, 'rebuild requested the lock: yielding after this batch');
      this.cycle?.abort();
    } else if (channel === ReadModelChannel && !this.opts.schema && this.role === 'active' && payload !== this.schema) {
      this.log.info({ from: this.schema, to: payload }, 'active read model switched: restarting');
      this.cycle?.abort();
    }
  };

  private async run(): Promise<void> {
    const stop = this.stopCtl.signal;
    while (!stop.aborted) {
      const lock = new ProjectionLock(this.dbUrl, this.projection.name, this.log, this.onNotice);
      try {
        while (!stop.aborted && !(await lock.tryAcquire())) {
          this.setRole('standby');
          await sleep(this.opts.lockRetryMs, stop);
        }
        if (stop.aborted) break;
        await this.runActive(lock);
      } catch (err) {
        this.log.error({ err, projection: this.projection.name }, 'projection cycle failed');
      } finally {
        await lock.close();
      }
      if (!stop.aborted) {
        this.setRole('standby');
        await sleep(this.opts.lockRetryMs, stop);
      }
    }
  }

  private async runActive(lock: ProjectionLock): Promise<void> {
    const cycle = new AbortController();
    this.cycle = cycle;
    const abort = () => cycle.abort();
    lock.lost.signal.addEventListener('abort', abort);
    this.stopCtl.signal.addEventListener('abort', abort);
    this.schema = this.opts.schema ?? (await activeReadModelSchema(this.db));
    await this.projection.prepare?.(this.db, this.schema);
    const checkpoint = await readCheckpoint(this.db, this.schema, this.projection.name);
    this.metrics.appliedSeq = checkpoint;
    this.setRole('active');
    this.log.info({ projection: this.projection.name, schema: this.schema, fromSeq: checkpoint + 1 }, 'projecting');
    const source = StreamReader.open(this.nc, checkpoint + 1, this.opts.batch, this.log);
    const progress = new CatchUpLog(this.schema, checkpoint, this.log);
    let committed = checkpoint;
    try {
      while (!cycle.signal.aborted) {
        const batch = await source.next(cycle.signal);
        if (batch.length === 0 || !lock.isHeld) continue;
        const t0 = performance.now();
        const r = await applyBatch(this.db, this.schema, this.projection, batch, this.log, this.opts.effects, committed);
        committed = r.checkpoint;
        this.metrics.recordBatch(batch.length, r.applied + r.undecodable, r.undecodable, r.checkpoint, performance.now() - t0);
        progress.batch(r.checkpoint, this.metrics.streamLastSeq);
      }
    } finally {
      lock.lost.signal.removeEventListener('abort', abort);
      this.stopCtl.signal.removeEventListener('abort', abort);
      this.cycle = null;
      await source.close();
    }
  }
}

/**
 * Progress lines while a projection is far behind the stream (a back-fill: a projection added to a running
 * deployment starts at 0; a projector that was down catches up): every 2 s while more than a few batches
 * behind (more than `farEvents`), with the rate, and once when it is within `nearEvents` of the stream's end.
 * Quiet in the steady state.
 */
class CatchUpLog {
  private lastAt = performance.now();
  private lastSeq: number;
  private behind = false;
  private readonly startedAt = performance.now();
  private readonly startSeq: number;

  /** `log` is the runner's, which names the projection. */
  constructor(private readonly schema: string, fromSeq: number, private readonly log: Logger, private readonly everyMs = 2000, private readonly farEvents = 2000, private readonly nearEvents = 100) {
    this.lastSeq = fromSeq;
    this.startSeq = fromSeq;
  }

  batch(seq: number, streamLastSeq: number): void {
    const lag = streamLastSeq - seq;
    const now = performance.now();
    if (lag > this.farEvents) {
      if (!this.behind) this.log.info({ schema: this.schema, seq, lastSeq: streamLastSeq }, 'projection catching up (back-fill)');
      this.behind = true;
      if (now - this.lastAt >= this.everyMs) {
        const eventsPerSec = Math.round(((seq - this.lastSeq) * 1000) / (now - this.lastAt));
        const percent = streamLastSeq > 0 ? Math.floor((seq / streamLastSeq) * 1000) / 10 : 100;
        this.log.info({ schema: this.schema, seq, lastSeq: streamLastSeq, percent, eventsPerSec }, 'projection back-fill progress');
        this.lastAt = now;
        this.lastSeq = seq;
      }
    } else if (this.behind && lag <= this.nearEvents) {
      this.behind = false;
      const ms = now - this.startedAt;
      this.log.info({ schema: this.schema, seq, events: seq - this.startSeq, ms: Math.round(ms), eventsPerSec: ms > 0 ? Math.round(((seq - this.startSeq) * 1000) / ms) : 0 }, 'projection caught up');
    }
  }
}
