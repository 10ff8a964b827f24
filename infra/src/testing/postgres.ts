import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresReachable, startLocalPostgres } from '../provision/local-postgres';
import { freePort } from './ports';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The server tests may create throwaway databases on: NATTER_TEST_PG_URL, else the local default. */
const adminUrl = process.env.NATTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database for one test file, on NATTER_TEST_PG_URL or the local default server. When neither is
 * reachable, the root vitest global setup has already started a temp cluster and set NATTER_TEST_PG_URL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.NATTER_TEST_PG_URL ?? adminUrl;
  const name = `natter_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** For the global setup: a reachable server for test databases, starting a temp cluster if none is. */
export async function ensureTestPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  if (await postgresReachable(adminUrl)) return { url: adminUrl, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'natter-pg-'));
  const cluster = await startLocalPostgres({ dir, port: await freePort(), fsync: false });
  return {
    url: cluster.url,
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
