import { sql, type Kysely } from 'kysely';
import type { MsgDedupeRecord } from '@natter/contracts';
import { activeReadModelSchema, CHAT_PROJECTION, type MsgDedupeWriter } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { Metrics } from '../shared/metrics';

interface Appended {
  key: string;
  record: MsgDedupeRecord;
  at: number;
}

/**
 * A send's dedupe record (KV natter_msg_dedupe) is written by the projector from the committed event, before
 * the batch holding it commits (projectors/src/app.ts), so a send costs command-api one JetStream write. Until
 * then a retry is caught by the stream's duplicate window (2 min). This backstop covers a projector that is
 * down or far behind: it keeps the sends this instance appended, forgets those the chat projection has applied
 * (its checkpoint in the live read-model schema, read every `tickMs`), writes the record of any still not
 * applied after `afterMs` (30 s by default: far inside the duplicate window), and writes all that are left when
 * the process stops. Bounded: past `max` kept sends, the oldest are written at once.
 */
export class DedupeBackstop {
  private pending: Appended[] = [];
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly writer: MsgDedupeWriter,
    private readonly appliedSeq: () => Promise<number>,
    private readonly afterMs: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly max = 100_000,
  ) {
    this.timer = setInterval(() => void this.tick(), Math.min(1000, afterMs));
    this.timer.unref();
  }

  /** The checkpoint of the chat projection in the live read-model schema. */
  static checkpointReader(db: Kysely<any>): () => Promise<number> {
    return async () => {
      const schema = await activeReadModelSchema(db);
      const r = await sql<{ last_seq: string }>`select last_seq from ${sql.table(`${schema}.checkpoint`)} where projection = ${CHAT_PROJECTION}`.execute(db);
      return Number(r.rows[0]?.last_seq ?? 0);
    };
  }

  appended(key: string, record: MsgDedupeRecord): void {
    this.pending.push({ key, record, at: Date.now() });
    if (this.pending.length > this.max) void this.write(this.pending.splice(0, Math.ceil(this.max / 10)));
  }

  /** Writes every record still pending (the process stops: nobody would write them otherwise). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    const left = this.pending;
    this.pending = [];
    await this.write(left);
  }

  private tick(): Promise<void> {
    return (this.running ??= this.sweep().finally(() => (this.running = null)));
  }

  private async sweep(): Promise<void> {
    if (this.pending.length === 0) return;
    const applied = await this.appliedSeq().catch((err) => {
      this.log.warn({ err }, 'projection checkpoint unreadable: the backstop writes dedupe records itself');
      return 0;
    });
    const due: Appended[] = [];
    const keep: Appended[] = [];
    const now = Date.now();
    let forgotten = 0;
    for (const p of this.pending) {
      if (p.record.seq <= applied) forgotten++;
      else if (now - p.at >= this.afterMs) due.push(p);
      else keep.push(p);
    }
    this.pending = keep;
    this.metrics.dedupeBackstop('left_to_projector', forgotten);
    await this.write(due);
  }

  private async write(records: Appended[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.writer.put(records);
      this.metrics.dedupeBackstop('written', records.length);
    } catch (err) {
      this.log.warn({ err, records: records.length }, 'dedupe records not written; retrying on the next tick');
      this.pending.unshift(...records);
    }
  }
}

export const DEDUPE_BACKSTOP = Symbol('DedupeBackstop');
