import type { Logger } from 'pino';
import type { ActiveSchema } from './active-schema';

interface Waiter {
  readonly minSeq: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Knows how far the chat projection has got, per read-model schema, and parks `minSeq` readers until it gets
 * far enough. The projector sends `NOTIFY natter_projection, '<schema>:<seq>'` after each committed batch; one
 * shared listener feeds those into `notified()`, which wakes every waiter whose sequence is reached. While
 * anyone waits, a single poll of the checkpoint (not one per waiter) runs as a fallback for lost notifications.
 */
export class ProjectionWatch {
  private readonly seen = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly active: ActiveSchema,
    private readonly readCheckpoint: (schema: string) => Promise<number>,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  get waiting(): number {
    return this.waiters.size;
  }

  /** A `natter_projection` payload: `<schema>:<seq>`. Malformed payloads are ignored. */
  notified(payload: string): void {
    const i = payload.lastIndexOf(':');
    const seq = Number(payload.slice(i + 1));
    if (i <= 0 || !Number.isSafeInteger(seq)) {
      this.log.warn({ payload }, 'ignoring malformed natter_projection payload');
      return;
    }
    this.observe(payload.slice(0, i), seq);
  }

  /** Record that `schema`'s checkpoint is at least `seq` (checkpoints never move backwards). */
  observe(schema: string, seq: number): void {
    if (seq > (this.seen.get(schema) ?? -1)) this.seen.set(schema, seq);
    this.wake();
  }

  /**
   * A checkpoint read from the database itself: trusted over notifications even when lower, so that a bogus
   * payload cannot make waiters spin. A racing higher notification is recovered by the next poll.
   */
  observed(schema: string, seq: number): void {
    this.seen.set(schema, seq);
    this.wake();
  }

  /** Re-check waiters, e.g. after the active schema changed. */
  wake(): void {
    if (this.waiters.size === 0) return;
    const reached = this.seen.get(this.active.current) ?? -1;
    for (const w of this.waiters) {
      if (reached >= w.minSeq) this.settle(w, true);
    }
  }

  /**
   * Resolves true once the active schema's checkpoint is >= minSeq (as far as this process has heard), or
   * false when `deadline` (epoch ms) passes first.
   */
  wait(minSeq: number, deadline: number): Promise<boolean> {
    if ((this.seen.get(this.active.current) ?? -1) >= minSeq) return Promise.resolve(true);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w: Waiter = { minSeq, resolve, timer: setTimeout(() => this.settle(w, false), remaining) };
      this.waiters.add(w);
      this.ensurePolling();
    });
  }

  /** Fail every waiter now (shutdown). */
  close(): void {
    for (const w of this.waiters) this.settle(w, false);
    clearTimeout(this.pollTimer);
  }

  private settle(w: Waiter, reached: boolean): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.resolve(reached);
  }

  private ensurePolling(): void {
    if (this.polling) return;
    this.polling = true;
    const tick = async () => {
      if (this.waiters.size === 0) {
        this.polling = false;
        return;
      }
      try {
        const schema = this.active.current;
        this.observed(schema, await this.readCheckpoint(schema));
      } catch (err) {
        this.log.warn({ err }, 'checkpoint poll failed');
      }
      if (this.waiters.size === 0) {
        this.polling = false;
        return;
      }
      this.pollTimer = setTimeout(() => void tick(), this.pollMs);
    };
    this.pollTimer = setTimeout(() => void tick(), this.pollMs);
  }
}
