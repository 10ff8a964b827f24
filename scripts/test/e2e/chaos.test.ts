import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@natter/infra/testing';
import { Chaos, reportTable } from '../../src/chaos/faults';
import { Traffic } from '../../src/chaos/traffic';
import { startStack, type Stack } from '../../src/stack/index';

/**
 * The cluster survives failures. `startStack({ cluster: true })` (what `npm run up -- --cluster` runs: a
 * 3-node NATS cluster with R3 streams and buckets, 2 edges, 2 command-apis, 2 query-apis, 2 projectors, the
 * nginx gateway, all supervised) carries steady sends and listening sockets through the gateway while
 * processes are killed with SIGKILL, one kind at a time and then several at once, and a NATS node loses its
 * store. Nothing acknowledged is lost, duplicated or reordered, on any socket or in the history; the standby
 * projector takes over; every fault's recovery time is printed (the longer run: `npm run soak`).
 */
let dir: string;
let db: TestDatabase;
let stack: Stack;
let nc: NatsConnection;

beforeAll(async () => {
  [dir, db] = await Promise.all([mkdtemp(join(tmpdir(), 'natter-chaos-')), createTestDatabase()]);
  await chmod(dir, 0o755);
  stack = await startStack({ dataDir: dir, databaseUrl: db.url, cluster: true, log: pino({ level: 'silent' }) });
  nc = await connect({ servers: stack.natsUrl.split(','), maxReconnectAttempts: -1 });
}, 240_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('loses, duplicates and reorders nothing through kill -9 of every kind of process, alone and together', async () => {
  const traffic = await Traffic.start(stack.gatewayUrl!, { rooms: 2, listenersPerRoom: 2, sendEveryMs: 100 });
  await traffic.healthySince(Date.now(), 60_000);
  const chaos = await Chaos.create(stack, traffic, nc, { say: (l) => console.log(`[chaos] ${l}`) });

  await chaos.kill('a NATS node (the stream leader)', [await chaos.streamLeader()]);
  await chaos.kill('an edge', ['edge-1']);
  await chaos.kill('a command-api', ['command-api-1']);
  const projector = await chaos.killActiveProjector();
  await chaos.kill('a query-api', ['query-api-1']);
  await chaos.kill('overlapping: the NATS leader, an edge, a command-api, a query-api', [await chaos.streamLeader(), 'edge-2', 'command-api-2', 'query-api-2']);
  const leader = await chaos.streamLeader();
  const storeLoss = await chaos.killNatsNodeWithStore(stack.natsNodes.find((n) => n.name !== leader)!.name);

  const verdict = await traffic.stop();
  console.log(`[chaos] ${verdict.acked} messages acknowledged; failed attempts (retried): ${JSON.stringify(verdict.failures)}\n${reportTable(chaos.reports)}`);
  expect(verdict.problems).toEqual([]);
  expect({ lost: verdict.lost, duplicates: verdict.duplicates, reorderings: verdict.reorderings }).toEqual({ lost: 0, duplicates: 0, reorderings: 0 });
  expect(verdict.acked).toBeGreaterThan(50);
  // The standby took over, not the killed projector coming back.
  expect(projector.extra.takenOverBy).not.toBe(projector.killed[0]);
  expect(storeLoss.extra.caughtUpMs).toBeGreaterThan(0);
  // Every failed attempt was a typed, retryable answer or a refused connection: never an HTML page or a 500.
  for (const why of Object.keys(verdict.failures)) expect(why, JSON.stringify(verdict.failures)).toMatch(/^(503 unavailable|429 rate_limited|fetch failed|.*(ECONNREFUSED|ECONNRESET|socket hang up|other side closed|aborted due to timeout).*)$/);
}, 420_000);
