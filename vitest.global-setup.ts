import type { TestProject } from 'vitest/node';
import { ensureTestPostgres } from '@natter/infra/testing';
// @ts-expect-error plain JS module shared with `npm run up`
import { ensureSystemPackages } from './scripts/system-packages.mjs';
// @ts-expect-error plain JS module shared with `npm run up`
import { buildWebClientIfStale } from './scripts/web-build.mjs';

/**
 * Runs once before any test file. Installs the system packages the tests drive (nats-server, nginx for the
 * gateway, chromium for the browser tests) when missing, builds the web client when it has no build, and
 * makes sure there is a Postgres server for the per-file throwaway databases (a temp cluster if none).
 */
export default async function setup(_project: TestProject) {
  ensureSystemPackages(['nats-server', 'postgresql', 'nginx-light', 'chromium', 'fonts-noto-color-emoji']);
  buildWebClientIfStale(process.cwd());
  const pg = await ensureTestPostgres();
  process.env.NATTER_TEST_PG_URL = pg.url;
  return async () => pg.stop();
}
