import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// bigint columns hold stream sequences (< 2^53): return them as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // When Postgres restarts, each idle client's connection ends with an error that the pool re-emits: without a
  // listener that crashes the process. The pool has already dropped that client and the next query connects
  // anew; queries in flight fail on their own, to their callers.
  pool.on('error', () => {});
  return pool;
}

/** A Kysely instance over its own pool. `DB` is the caller's table map (row types live with each app). */
export function createKysely<DB>(url: string, max = 10): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(url, max) }) });
}
