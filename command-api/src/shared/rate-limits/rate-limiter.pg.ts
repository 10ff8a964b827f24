import { NatterError } from '@natter/contracts';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { MemoryRateLimiter } from './rate-limiter.memory';
import type { Rate, RateLimiter } from './rate-limiter';

/**
 * The shared limiter: `natter.rate_take` (infra/migrations/command/003_rate_limits.sql), an atomic upsert on
 * an UNLOGGED table, so every instance counts against the same buckets.
 *
 * Takes are batched: those asked for within one turn of the event loop (64 sends in flight arrive in a few
 * socket reads) go to Postgres as one statement over arrays, one round trip and one query's client-side cost
 * for all of them. The function is VOLATILE, so within the statement each call sees the calls before it: two
 * takes of one key in a batch count twice, in order.
 *
 * If Postgres cannot answer, the batch is limited by this process's own buckets instead (logged, at most once
 * a minute): sends do not otherwise need Postgres, and a rate limit is a protection, not a reason to refuse
 * everyone while the database restarts.
 */
export class PgRateLimiter implements RateLimiter {
  private readonly fallback = new MemoryRateLimiter();
  private lastWarning = 0;
  private pending: { key: string; rate: Rate; resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly log: Logger,
    private readonly maxBatch = 256,
  ) {}

  take(key: string, rate: Rate): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ key, rate, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length) setImmediate(() => void this.flush());
    let waits: number[];
    try {
      const { rows } = await sql<{ wait: number }>`
        select natter.rate_take(t.key, t.interval_ms, t.burst) as wait
        from unnest(${batch.map((b) => b.key)}::text[], ${batch.map((b) => b.rate.intervalMs)}::float8[], ${batch.map((b) => b.rate.burst)}::int[])
          with ordinality as t(key, interval_ms, burst, n)
        order by t.n`.execute(this.db);
      waits = rows.map((r) => Number(r.wait));
      if (waits.length !== batch.length) throw new Error(`rate_take answered ${waits.length} of ${batch.length}`);
    } catch (err) {
      this.warn(err);
      for (const b of batch) this.fallback.take(b.key, b.rate).then(b.resolve, b.reject);
      return;
    }
    batch.forEach((b, i) => (waits[i] > 0 ? b.reject(NatterError.rateLimited(waits[i])) : b.resolve()));
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
