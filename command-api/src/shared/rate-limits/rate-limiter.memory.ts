import { NatterError } from '@natter/contracts';
import type { Rate, RateLimiter } from './rate-limiter';

/**
 * GCRA buckets in this process only: with N instances the effective limit is up to N times higher. Used as
 * the Postgres limiter's fallback while Postgres is unreachable, so limits still hold per instance.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly now = () => Date.now()) {}

  take(key: string, rate: Rate): Promise<void> {
    try {
      this.takeSync(key, rate);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The same rule as natter.rate_take (infra/migrations/command/003_rate_limits.sql). */
  takeSync(key: string, rate: Rate): void {
    const now = this.now();
    const tau = rate.intervalMs * (rate.burst - 1);
    const tat = Math.max(this.tats.get(key) ?? now, now);
    if (tat - now > tau) throw NatterError.rateLimited(tat - now - tau);
    this.tats.set(key, tat + rate.intervalMs);
    // Keys whose bucket is full again carry no information; swept at most once a minute.
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [k, t] of this.tats) if (t < now) this.tats.delete(k);
    }
  }
}
