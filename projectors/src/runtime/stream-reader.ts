import { jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { Streams, Subjects } from '@natter/contracts';
import type { RawEvent } from '@natter/contracts';

export interface BatchOptions {
  /** Most events per batch (one Postgres transaction). */
  maxEvents: number;
  /** How long a partial batch waits for more events after its first one arrived. */
  lingerMs: number;
}

/**
 * The whole stream (`ev.>`, one filter subject: nats-server 2.9) from `fromSeq` on, through an ordered
 * consumer, handed out in batches. Messages are pulled with sequential `fetch`es of `maxEvents`, so at most
 * about two batches sit in memory however far behind Postgres is (a `consume` would keep pulling). The fetch
 * iterator yields each message as it arrives, so a lone event waits `lingerMs`, not the fetch expiry.
 */
export class StreamReader {
  private buf: RawEvent[] = [];
  private wake: (() => void) | null = null;
  private drained: (() => void) | null = null;
  private iter: ConsumerMessages | null = null;
  private closed = false;
  private failure: Error | null = null;
  private pump: Promise<void>;
  private deleteConsumer: (() => Promise<unknown>) | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly fromSeq: number,
    private readonly opts: BatchOptions,
    private readonly log: Logger,
  ) {
    this.pump = this.run().catch((err) => {
      this.failure = err as Error;
      this.notify();
    });
  }

  static open(nc: NatsConnection, fromSeq: number, opts: BatchOptions, log: Logger): StreamReader {
    return new StreamReader(nc, fromSeq, opts, log);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async run(): Promise<void> {
    const js = jetstream(this.nc);
    const consumer = await js.consumers.get(Streams.events, { filter_subjects: Subjects.all, opt_start_seq: Math.max(1, this.fromSeq) });
    this.deleteConsumer = () => consumer.delete();
    while (!this.closed) {
      const iter = await consumer.fetch({ max_messages: this.opts.maxEvents, expires: 5_000 });
      this.iter = iter;
      if (this.closed) iter.stop();
      for await (const m of iter) {
        this.buf.push({ seq: m.seq, subject: m.subject, data: m.data });
        if (this.buf.length >= this.opts.maxEvents) this.notify();
        else if (this.buf.length === 1) this.notify();
      }
      this.iter = null;
      // Back-pressure: do not pull the next batch while two are already waiting.
      while (!this.closed && this.buf.length >= 2 * this.opts.maxEvents) {
        await new Promise<void>((r) => (this.drained = r));
      }
    }
  }

  /**
   * The next batch: waits for a first event, then up to `lingerMs` (or until `maxEvents`) for more. Resolves
   * with [] when `signal` aborts or the source closes; rejects if the consumer failed.
   */
  async next(signal: AbortSignal): Promise<RawEvent[]> {
    const onAbort = () => this.notify();
    signal.addEventListener('abort', onAbort);
    try {
      while (this.buf.length === 0 && !signal.aborted && !this.closed && !this.failure) {
        await new Promise<void>((r) => (this.wake = r));
      }
      if (this.failure) throw this.failure;
      if (signal.aborted || this.closed) return [];
      if (this.buf.length < this.opts.maxEvents && this.opts.lingerMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((r) => {
          this.wake = r;
          timer = setTimeout(r, this.opts.lingerMs);
        });
        clearTimeout(timer);
        this.wake = null;
        if (signal.aborted || this.closed) return [];
      }
      const batch = this.buf.splice(0, this.opts.maxEvents);
      const d = this.drained;
      this.drained = null;
      d?.();
      return batch;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.iter?.stop();
    this.notify();
    this.drained?.();
    await this.pump;
    await this.deleteConsumer?.().catch((err) => this.log.debug({ err }, 'ordered consumer delete failed'));
  }
}
