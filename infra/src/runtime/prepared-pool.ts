import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * A pool for Kysely whose repeated statements run as named prepared statements, so Postgres plans each once
 * per connection instead of on every execution. For statements whose best plan does not depend on their
 * values: after five runs Postgres may keep a generic plan, and a prefix search (`like $1`) needs its value to
 * use an index (query-api does not use this pool: its reads gained nothing measured). For the projectors' few statements run once per batch or per
 * event (their `unnest` and `jsonb_populate_recordset` forms have one text whatever the batch size), planning
 * was about 40 % of Postgres's time per statement at 500 messages a second (pg_stat_statements with
 * track_planning: 1.6 ms to plan the markers' recount, 0.2 ms the notification candidates).
 *
 * A text with parameters is prepared once it has run `after` times, and at most `limit` texts are (texts that
 * differ per call, e.g. an IN list of varying length, stay unnamed; each prepared text holds its plan in every
 * connection's backend, so the bound is also one on Postgres's memory). The name is a hash of the text, so the
 * same text gets the same name on every connection and node-postgres parses it once per connection (it tracks
 * what it has parsed); a connection that is replaced (a Postgres restart) starts over. Not for a pooler in
 * transaction mode (PgBouncer), where a session's prepared statements are not there on the next transaction.
 */
export class PreparingPool implements PostgresPool {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly after = 3,
    private readonly limit = 100,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    const query = (sql: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>): unknown => {
      if (typeof sql !== 'string') return client.query(sql as never);
      // Only statements with parameters: those are single statements (the extended protocol they already go
      // through refuses several), whereas a parameterless text may be a script (the schema's DDL, run on
      // every projection start), which cannot be a prepared statement.
      const name = parameters?.length ? this.nameFor(sql) : undefined;
      return name ? client.query({ name, text: sql, values: [...(parameters ?? [])] }) : client.query(sql, [...(parameters ?? [])]);
    };
    return { query: query as PostgresPoolClient['query'], release: () => client.release() };
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private nameFor(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known || this.names.size >= this.limit) return known;
    const n = (this.seen.get(sql) ?? 0) + 1;
    if (n < this.after) {
      if (this.seen.size >= 10_000) this.seen.clear(); // texts seen once or twice: forget them now and then
      this.seen.set(sql, n);
      return undefined;
    }
    this.seen.delete(sql);
    const name = `natter_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    this.names.set(sql, name);
    return name;
  }
}
