import { Limits, NatterError } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import type { Kysely } from 'kysely';
import type { Metrics } from '../http/metrics';
import type { ActiveSchema } from './active-schema';
import { CheckpointRepository } from './checkpoint.repository';
import type { ProjectionWatch } from './projection-watch';
import type { RoomMetaHeads } from './room-meta-heads';
import type { ReadScope } from './scope';

export interface Snapshot<T> {
  /** The projection checkpoint read in the same snapshot as `value`: the answer is current up to here. */
  asOfSeq: number;
  value: T;
}

export interface ReadOptions {
  /** Wait (at most Limits.minSeqWaitMsMax) until the checkpoint is >= minSeq, else projection_lagging. */
  minSeq?: number;
  /** The signed-in caller; a deactivated caller gets user_deactivated. */
  callerId?: string;
  /**
   * The read is about this room and checks membership in it: the snapshot must include the room's latest
   * membership event (RoomMetaHeads), so a removal that has been answered is never read around.
   */
  roomId?: string;
  /** Server admins only (403 forbidden otherwise), judged in the same snapshot as the data. */
  requireAdmin?: boolean;
}

/** Postgres errors that mean "that schema was just dropped or is not there": re-read the active schema. */
const SCHEMA_GONE = new Set(['3F000', '42P01']);

/**
 * Runs one request's reads in a READ ONLY, REPEATABLE READ transaction on the active read-model schema. The
 * first statement reads the checkpoint, so `asOfSeq` is exactly the state the data was read at (the
 * projector writes rows and checkpoint in one transaction). A read with `minSeq` above the checkpoint ends
 * its transaction, parks on the shared ProjectionWatch, and tries again: no connection is held while waiting.
 */
export class ReadModelReader {
  private readonly checkpoints = new CheckpointRepository();

  constructor(
    private readonly db: Kysely<ReadModelDB>,
    private readonly active: ActiveSchema,
    private readonly watch: ProjectionWatch,
    private readonly metrics: Metrics,
    private readonly roomHeads: Pick<RoomMetaHeads, 'lastSeq'>,
  ) {}

  async read<T>(opts: ReadOptions, fn: (q: ReadScope) => Promise<T>): Promise<Snapshot<T>> {
    if (opts.roomId !== undefined) {
      const fence = await this.roomHeads.lastSeq(opts.roomId);
      if (fence > (opts.minSeq ?? 0)) opts = { ...opts, minSeq: fence };
    }
    const deadline = Date.now() + Limits.minSeqWaitMsMax;
    let waitedMs = 0;
    let schemaRetried = false;
    for (;;) {
      this.active.assertReadable();
      const schema = this.active.current;
      let r: Snapshot<T> | { lagging: number };
      try {
        r = await this.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .setAccessMode('read only')
          .execute(async (trx) => {
            const q = trx.withSchema(schema);
            const head = await this.checkpoints.head(q, opts.callerId);
            if (opts.minSeq !== undefined && head.lastSeq < opts.minSeq) return { lagging: head.lastSeq };
            if (head.callerDeactivated) throw new NatterError('user_deactivated');
            if (opts.requireAdmin && !head.callerAdmin) throw new NatterError('forbidden', 'Server admins only.');
            return { asOfSeq: head.lastSeq, value: await fn(q) };
          });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (!schemaRetried && typeof code === 'string' && SCHEMA_GONE.has(code)) {
          schemaRetried = true;
          await this.active.refresh();
          continue;
        }
        throw err;
      }
      if ('value' in r) {
        if (waitedMs > 0) this.metrics.minSeqWait(true, waitedMs / 1000);
        return r;
      }
      this.watch.observed(schema, r.lagging);
      const started = Date.now();
      const reached = await this.watch.wait(opts.minSeq!, deadline);
      waitedMs += Date.now() - started;
      if (!reached) {
        this.metrics.minSeqWait(false, waitedMs / 1000);
        throw new NatterError('projection_lagging', undefined, { minSeq: opts.minSeq, asOfSeq: r.lagging, waitedMs });
      }
    }
  }

  /** The active schema's checkpoint alone (used by the fallback poll). */
  async checkpointOf(schema: string): Promise<number> {
    return this.checkpoints.lastSeq(this.db.withSchema(schema));
  }
}
