/**
 * Rate limits as a small interface, so that handlers do not know where the counts live. The deployed one is
 * Postgres (rate-limiter.pg.ts: every command-api instance shares the counts, so N instances do not allow N
 * times the rate); the in-memory one (rate-limiter.memory.ts) is its fallback while Postgres is unreachable.
 *
 * Every limit is a GCRA bucket (the "generic cell rate algorithm", a token bucket kept as one timestamp):
 * one request per `intervalMs` sustained, `burst` at once after a quiet period.
 */
export interface Rate {
  readonly intervalMs: number;
  readonly burst: number;
}

export interface RateLimiter {
  /**
   * Take one request for `key`. Resolves when allowed; rejects with 429 `rate_limited` carrying
   * `retryAfterMs` (NatterError.rateLimited) when not, and then nothing was taken.
   */
  take(key: string, rate: Rate): Promise<void>;
}

/** `count` requests per `windowSeconds`, all of them at once if saved up: the form the settings use. */
export function perWindow(count: number, windowSeconds: number): Rate {
  return Object.freeze({ intervalMs: (windowSeconds * 1000) / count, burst: count });
}

/** `perSecond` sustained, bursts of `burst`. */
export function perSecond(perSecond: number, burst: number): Rate {
  return Object.freeze({ intervalMs: 1000 / perSecond, burst });
}

export const RATE_LIMITER = Symbol('RateLimiter');
