import { NatterError } from '@natter/contracts';

/**
 * Early, visible load shedding for one service process. A request is refused at once, before any of its work,
 * with `overloaded` (HTTP 503 + Retry-After, a NATS error reply, a WebSocket error frame under its id) carrying
 * `retryAfterMs`, instead of waiting behind the others until its caller gives up (the edge answers
 * `unavailable` after EDGE_COMMAND_TIMEOUT_MS, when the work may still be done), when either:
 * - `maxInFlight` requests are being handled already (a hard bound on what the process holds), or
 * - a queue is standing: over the last `intervalMs`, even the quickest request took longer than `targetMs`
 *   (CoDel's rule: the minimum, so one slow request, a registration's password hash or a long `minSeq` wait,
 *   does not count; only a delay every request suffers does). Then only `maxInFlight / 16` are let in, enough
 *   to keep measuring, until a window shows the queue gone.
 * So past the knee the service answers what it admits within about `targetMs` plus its own work, and says
 * "later" to the rest. 100 ms over 500 ms windows: a request normally takes a few milliseconds, and scheduling
 * hiccups of a busy machine (measured on the shared 2-core bench box) should not shed.
 */
export class Admission {
  private inFlight = 0;
  /** Requests refused so far. */
  shed = 0;
  private windowStart = 0;
  private windowMin = Infinity;
  private standing = false;

  constructor(
    readonly maxInFlight: number,
    /** The hint given to a refused caller: retry after about this long (clients add jitter). */
    readonly retryAfterMs: number,
    /** Infinity: the count bound only (for a service whose requests may wait on purpose, like `minSeq` reads). */
    private readonly targetMs = 100,
    private readonly intervalMs = 500,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get current(): number {
    return this.inFlight;
  }

  /** Takes a slot and returns its start time, or throws `overloaded`. Pair every enter() with leave(start). */
  enter(): number {
    const t = this.now();
    this.roll(t);
    const limit = this.standing ? Math.max(1, Math.floor(this.maxInFlight / 16)) : this.maxInFlight;
    if (this.inFlight >= limit) {
      this.shed++;
      throw new NatterError('overloaded', undefined, { retryAfterMs: this.retryAfterMs });
    }
    this.inFlight++;
    return t;
  }

  leave(startedAt: number): void {
    this.inFlight--;
    const t = this.now();
    this.roll(t);
    if (t - startedAt < this.windowMin) this.windowMin = t - startedAt;
  }

  /** Runs `fn` in a slot (or throws `overloaded` without running it). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const started = this.enter();
    try {
      return await fn();
    } finally {
      this.leave(started);
    }
  }

  /** Closes the window if it is over: a queue stands if its quickest request was slower than the target. */
  private roll(t: number): void {
    if (t - this.windowStart < this.intervalMs) return;
    this.standing = this.windowMin !== Infinity && this.windowMin > this.targetMs;
    this.windowStart = t;
    this.windowMin = Infinity;
  }
}
