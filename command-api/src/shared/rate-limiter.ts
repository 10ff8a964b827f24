import { NatterError } from '@natter/contracts';

/**
 * In-memory token buckets keyed by a string: `capacity` tokens, refilled at `perSecond`. Per process, so with
 * N instances the effective limit is up to N times higher; good enough against brute force and floods.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(private readonly capacity: number, private readonly perSecond: number, private readonly now = () => Date.now()) {}

  /** Take one token for `key`, or throw 429 rate_limited. */
  take(key: string): void {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      const retryAfterMs = Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
      throw new NatterError('rate_limited', undefined, { retryAfterMs });
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    // At most one sweep a second: under a flood of live keys a sweep frees nothing and would run per call.
    if (this.buckets.size > 50_000 && now - this.lastSweep > 1000) {
      this.lastSweep = now;
      this.sweep(now);
    }
  }

  /** Drop buckets that have refilled completely: they carry no information. */
  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(k);
    }
  }
}

/** Injection tokens of the two limiters. */
export const LOGIN_LIMITER = Symbol('LoginRateLimiter');
export const SEND_LIMITER = Symbol('SendRateLimiter');

/** Login: 10 attempts per minute per login+IP. Sends: `perSecond` sustained per user (default 10), bursts of twice that. */
export const loginLimiter = () => new RateLimiter(10, 10 / 60);
export const sendLimiter = (perSecond = 10) => new RateLimiter(perSecond * 2, perSecond);
