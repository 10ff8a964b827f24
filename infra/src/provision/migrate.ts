import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { activeReadModelSchema, CHAT_PROJECTION } from '../runtime/read-model';

// infra/migrations/, or where a deployment bundle keeps them (NATTER_MIGRATIONS_DIR, set by the images).
const migrationsDir = process.env.NATTER_MIGRATIONS_DIR ?? fileURLToPath(new URL('../../migrations/', import.meta.url));
const commandDir = join(migrationsDir, 'command/');
const readModelFile = join(migrationsDir, 'read-model/read-model.sql');
const searchFile = join(migrationsDir, 'read-model/search.sql');

/** Bumped whenever read-model.sql changes: the new version is built by replay, never by ALTER. */
export const READ_MODEL_VERSION = 5;
/**
 * Apply pending command-side migrations in file order, each in its own transaction, under an advisory lock
 * so that two services starting together do not race. Then make sure a live read-model schema exists.
 */
export async function migrate(db: Kysely<any>, log: Logger): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('natter.migrate'))`.execute(conn);
    try {
      await sql`create schema if not exists natter`.execute(conn);
      await sql`create table if not exists natter.migrations (id text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Set((await sql<{ id: string }>`select id from natter.migrations`.execute(conn)).rows.map((r) => r.id));
      const files = (await readdir(commandDir)).filter((f) => f.endsWith('.sql')).sort();
      for (const f of files) {
        if (done.has(f)) continue;
        const text = await readFile(commandDir + f, 'utf8');
        await conn.transaction().execute(async (trx) => {
          await sql.raw(text).execute(trx);
          await sql`insert into natter.migrations (id) values (${f})`.execute(trx);
        });
        log.info({ migration: f }, 'migration applied');
      }
      const hasActive = await activeReadModelSchema(conn).then(() => true, () => false);
      if (!hasActive) {
        const schema = readModelSchemaName(READ_MODEL_VERSION, 0);
        await conn.transaction().execute(async (trx) => {
          await createReadModelSchema(trx, schema);
          await sql`insert into natter.read_models (projection, active_schema) values (${CHAT_PROJECTION}, ${schema})`.execute(trx);
        });
        log.info({ schema }, 'read model schema created');
      } else {
        // A deployment that predates search (issue 12) gets its table in the live schema; the projection back-fills it.
        await ensureSearchTables(conn, await activeReadModelSchema(conn));
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtext('natter.migrate'))`.execute(conn);
    }
  });
}

/** `rm_v1_0` for the first build of version 1; rebuilds bump the build number. */
export function readModelSchemaName(version: number, build: number): string {
  return `rm_v${version}_${build}`;
}

export async function createReadModelSchema(db: Kysely<any>, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const text = (await readFile(readModelFile, 'utf8')).replaceAll('__SCHEMA__', schema);
  await sql.raw(text).execute(db);
  await ensureSearchTables(db, schema);
}

/**
 * The search projection's tables (read-model/search.sql), added idempotently to an existing schema: the search
 * projection runs this on the live schema before projecting, so adding search to a running deployment needs no
 * read-model version bump and no rebuild of the chat tables (it back-fills from its own checkpoint).
 */
export async function ensureSearchTables(db: Kysely<any>, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const text = (await readFile(searchFile, 'utf8')).replaceAll('__SCHEMA__', schema);
  await sql.raw(text).execute(db);
}
