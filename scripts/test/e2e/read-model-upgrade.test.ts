import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activeReadModelSchema, createKysely } from '@natter/infra/runtime';
import { READ_MODEL_VERSION } from '@natter/infra/provision';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { projectionLockName } from '@natter/projectors';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

/**
 * An existing deployment whose live read model is of an older READ_MODEL_VERSION upgrades itself: the stack
 * starts, the projectors rebuild the read model into the current version by replay (one of the two
 * instances; the other waits), `npm run up`'s progress lines say so, reads answer 503 "rebuilding read
 * models" meanwhile instead of reading tables this code does not know, and afterwards the API serves the same
 * history and rooms as before the upgrade.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack | undefined;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-upgrade-'))]);
  await chmod(dir, 0o755);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('rebuilds an older read model into the current version on start, saying how far it is', async () => {
  const log = pino({ level: 'silent' });
  // Yesterday's deployment: a room with some history.
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, gateway: true, log });
  const alice = await TestUser.register(stack.gatewayUrl!, 'alice');
  const room = await alice.call('POST', '/api/rooms', { name: 'before-the-upgrade', visibility: 'public' });
  const roomId: string = room.body.roomId;
  let last = 0;
  for (let i = 0; i < 15; i++) last = (await alice.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `m${i}`, text: `message ${i}` })).body.seq;
  const history = async (s: Stack, minSeq = 0) => {
    const user = new TestUser(s.gatewayUrl!, alice.tokens);
    return user.call('GET', `/api/rooms/${roomId}/messages?after=0&limit=200${minSeq ? `&minSeq=${minSeq}` : ''}`);
  };
  const before = await history(stack, last);
  expect(before.status).toBe(200);
  const roomsBefore = (await alice.call('GET', `/api/me/rooms?minSeq=${last}`)).body;
  expect(roomsBefore.items).toHaveLength(1);
  await stack.stop();
  stack = undefined;

  // It was built by an older version: the same schema under an older version's name (rm_v<N-1>_0).
  const k = createKysely<any>(db.url, 1);
  const live = await activeReadModelSchema(k);
  const old = `rm_v${READ_MODEL_VERSION - 1}_0`;
  await sql`alter schema ${sql.id(live)} rename to ${sql.id(old)}`.execute(k);
  await sql`update natter.read_models set active_schema = ${old}`.execute(k);

  // Hold the projection lock, so the swap (which takes it) waits while we look at the stack mid-upgrade.
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  await holder.query('select pg_advisory_lock(hashtext($1))', [projectionLockName('chat')]);
  const lines: string[] = [];
  try {
    stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, gateway: true, instances: { projectors: 2 }, log, onProgress: (l) => lines.push(l) });
    const s = stack;
    // Reads say what is going on, with how far the rebuild is, instead of reading an older version's tables.
    const refused = await waitFor('reads refused with the rebuild progress', async () => {
      const r = await history(s);
      return r.status === 503 && /rebuilding read models \(v\d+ -> v\d+\) 100%/.test(r.body.error.message) && r;
    }, 60_000, 200);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.body.error.message).toContain(`(v${READ_MODEL_VERSION - 1} -> v${READ_MODEL_VERSION})`);
    const roles = await Promise.all(s.services.projectors.map(async (p) => (await (await fetch(`${p.url}/readyz`)).json()) as { role: string; upgrade?: { state: string; progress: number } }));
    expect(roles.map((r) => r.role)).toEqual(['upgrading', 'upgrading']);
    expect(roles.map((r) => r.upgrade?.state).sort()).toEqual(['rebuilding', 'waiting']); // one rebuilds, the other waits for it
    expect(lines.some((l) => l.startsWith(`rebuilding read models (v${READ_MODEL_VERSION - 1} -> v${READ_MODEL_VERSION}`))).toBe(true);
  } finally {
    await holder.end(); // the swap goes ahead
  }

  const s = stack!;
  await waitFor('the new version to be live', async () => (await history(s)).status === 200, 60_000, 200);
  const after = await history(s, last);
  expect(after.body.messages).toEqual(before.body.messages);
  expect(after.body.messages).toHaveLength(15); // within the per-user send burst
  expect((await new TestUser(s.gatewayUrl!, alice.tokens).call('GET', '/api/me/rooms')).body.items).toEqual(roomsBefore.items);
  expect(await activeReadModelSchema(k)).toBe(`rm_v${READ_MODEL_VERSION}_0`);
  await waitFor('the old schema to be dropped', async () => (await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${old}`.execute(k)).rows[0].n === 0, 20_000);
  await waitFor('the progress lines to end', async () => lines.some((l) => l.startsWith(`read models rebuilt: ${old} -> rm_v${READ_MODEL_VERSION}_0`)), 10_000);
  // Both projectors went back to work: one active, one standby.
  const roles = await waitFor('one active projector', async () => {
    const r = await Promise.all(s.services.projectors.map(async (p) => ((await (await fetch(`${p.url}/readyz`)).json()) as { role: string }).role));
    return r.sort().join() === 'active,standby' && r;
  }, 20_000);
  expect(roles.sort()).toEqual(['active', 'standby']);
  // And it keeps projecting into the new version.
  const next = (await new TestUser(s.gatewayUrl!, alice.tokens).call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'after', text: 'after the upgrade' })).body.seq;
  expect((await history(s, next)).body.messages.at(-1)).toMatchObject({ clientMsgId: 'after', seq: next });
  await k.destroy();
}, 240_000);
