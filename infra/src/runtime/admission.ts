import { NatterError } from '@natter/contracts';

/**
 * Early, visible load shedding for one service process: at most `maxInFlight` requests are being handled at
 * once; one more is refused at once with `overloaded` (HTTP 503 + Retry-After, a NATS error reply, a WebSocket
 * error frame under its id) carrying `retryAfterMs`, instead of waiting behind the others until its caller
 * gives up (the edge answers `unavailable` after EDGE_COMMAND_TIMEOUT_MS, and by then the work may still be
 * done). A bounded number in flight bounds the wait of what is admitted (about maxInFlight / throughput), so
 * past the knee the service keeps answering what it admits quickly and says "later" to the rest.
 *
 * Nothing is half done: a refused request is refused before any of its work starts.
 */
export class Admission {
  private inFlight = 0;
  /** Requests refused so far. */
  shed = 0;

  constructor(
    readonly maxInFlight: number,
    /** The hint given to a refused caller: retry after about this long (clients add jitter). */
    readonly retryAfterMs: number,
  ) {}

  get current(): number {
    return this.inFlight;
  }

  /** Takes a slot, or throws `overloaded`. Every successful enter() is paired with one leave(). */
  enter(): void {
    if (this.inFlight >= this.maxInFlight) {
      this.shed++;
      throw new NatterError('overloaded', undefined, { retryAfterMs: this.retryAfterMs });
    }
    this.inFlight++;
  }

  leave(): void {
    this.inFlight--;
  }

  /** Runs `fn` in a slot (or throws `overloaded` without running it). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await fn();
    } finally {
      this.leave();
    }
  }
}

/** The retry hint of an error body's details (`overloaded`, `rate_limited`), if it has one. */
export function retryAfterMsOf(details: unknown): number | undefined {
  const v = (details as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.ceil(v) : undefined;
}
