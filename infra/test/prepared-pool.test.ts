import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createKysely } from '../src/runtime/db';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';

// Kysely over PreparingPool against a real Postgres: a statement run often enough becomes a named prepared
// statement on the connection (pg_prepared_statements shows it), answers stay right, and a text run rarely
// stays unnamed. One connection, so every statement meets the same session.
let pg: TestDatabase;
let db: Kysely<unknown>;
beforeAll(async () => {
  pg = await createTestDatabase();
  db = createKysely<unknown>(pg.url, 1, { prepare: true });
});
afterAll(async () => {
  await db?.destroy();
  await pg?.drop();
});

const preparedLike = async (fragment: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like ${`%${fragment}%`} and not from_sql`.execute(db)).rows[0].n;

describe('PreparingPool', () => {
  it('prepares a statement from its third run on, with the right answers before and after', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push((await sql<{ v: number }>`select ${i}::int * 7 as v`.execute(db)).rows[0].v);
      // Two runs: still parsed unnamed each time; from the third: one prepared statement, reused.
      expect(await preparedLike('::int * 7'), `after run ${i + 1}`).toBe(i + 1 >= 3 ? 1 : 0);
    }
    expect(answers).toEqual([0, 7, 14, 21, 28, 35]);
  });

  it('never names a text without parameters: a script of several statements runs as often as it is asked', async () => {
    for (let i = 0; i < 5; i++) {
      await sql.raw('create table if not exists script_t (n int); insert into script_t values (1)').execute(db);
      expect((await sql<{ n: number }>`select count(*)::int as n from script_t`.execute(db)).rows).toEqual([{ n: i + 1 }]);
    }
    expect(await preparedLike('script_t')).toBe(0);
  });

  it('leaves a text it has seen only twice unnamed, and prepares transactions statements too', async () => {
    for (let i = 0; i < 2; i++) await sql`select ${i}::int - 3 as v`.execute(db);
    expect(await preparedLike('::int - 3')).toBe(0);
    for (let i = 0; i < 4; i++) {
      const v = await db.transaction().execute(async (trx) => (await sql<{ v: number }>`select ${i}::int + 11 as v`.execute(trx)).rows[0].v);
      expect(v).toBe(i + 11);
    }
    expect(await preparedLike('::int + 11')).toBe(1);
  });
});
