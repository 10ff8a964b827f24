import { NatterError } from '@natter/contracts';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { MemoryRateLimiter } from './rate-limiter.memory';
import type { Rate, RateLimiter } from './rate-limiter';

/**
 * The shared limiter: one call of `natter.rate_take` (infra/migrations/command/003_rate_limits.sql) per
 * request, an atomic upsert on an UNLOGGED table, so every instance counts against the same buckets.
 *
 * If Postgres cannot answer, the request is limited by this process's own buckets instead (logged, at most
 * once a minute): sends do not otherwise need Postgres, and a rate limit is a protection, not a reason to
 * refuse everyone while the database restarts.
 */
export class PgRateLimiter implements RateLimiter {
  private readonly fallback = new MemoryRateLimiter();
  private lastWarning = 0;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly log: Logger,
  ) {}

  async take(key: string, rate: Rate): Promise<void> {
    let waitMs: number;
    try {
      const { rows } = await sql<{ wait: number }>`select natter.rate_take(${key}, ${rate.intervalMs}, ${rate.burst}) as wait`.execute(this.db);
      waitMs = Number(rows[0]?.wait ?? 0);
    } catch (err) {
      this.warn(err);
      return this.fallback.take(key, rate);
    }
    if (waitMs > 0) throw NatterError.rateLimited(waitMs);
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.log.warn({ err }, 'rate limits: Postgres did not answer; limiting per instance meanwhile');
  }
}

/**
 * Delete buckets that are full again and failure counts past their forget period: they carry no information.
 * Run by every instance now and then (a delete of nothing costs one scan of a small table).
 */
export async function sweepRateLimits(db: Kysely<unknown>, forgetFailuresMs: number): Promise<void> {
  await sql`delete from natter.rate_limits where tat_ms < extract(epoch from clock_timestamp()) * 1000`.execute(db);
  await sql`delete from natter.login_failures where last_ms < extract(epoch from clock_timestamp()) * 1000 - ${forgetFailuresMs}`.execute(db);
}
