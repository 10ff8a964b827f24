import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PreparingPool } from './prepared-pool';

// bigint columns hold stream sequences (< 2^53): return them as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // When Postgres restarts, every client's connection ends with an 'error' event. On an idle client the pool
  // re-emits it; on a checked-out one (a Kysely transaction between two statements) the client emits it
  // itself, with no listener of the pool's. Unhandled, either crashes the process. A client that lost its
  // connection is dropped by the pool (idle, or on release as not queryable) and the next query connects
  // anew; a query in flight fails on its own, to its caller.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * A Kysely instance over its own pool. `DB` is the caller's table map (row types live with each app).
 * `prepare`: repeated statements run as named prepared statements (PreparingPool: planned once per connection).
 */
export function createKysely<DB>(url: string, max = 10, opts: { prepare?: boolean } = {}): Kysely<DB> {
  const pool = createPool(url, max);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: opts.prepare ? new PreparingPool(pool) : pool }) });
}
