import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { Streams } from '@natter/contracts';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { backedUpStreams, backupAll, restoreAll } from '../../src/ops/stream-backup';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

const run = promisify(execFile);

/**
 * The restore drill of docs/operations.md, end to end: a deployment with users, rooms and messages is backed
 * up (the event stream and the KV buckets through the JetStream snapshot API, as `nats stream backup` does;
 * the auth tables with pg_dump), then NATS and Postgres are wiped. A fresh NATS gets the streams restored
 * (`nats stream restore`), a fresh database the auth data, the stack starts and replays the read models from
 * the restored stream, and the API serves the same history, rooms, counts and search as before; users log in
 * with their passwords, taken names stay taken, and new messages continue the sequence.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function pgBin(name: string): Promise<string> {
  const dir = await run('pg_config', ['--bindir']).then((r) => r.stdout.trim(), () => '/usr/lib/postgresql/15/bin');
  return join(dir, name);
}

it('backs up, wipes NATS and Postgres, restores, replays, and serves the same history, counts and search', async () => {
  const log = pino({ level: 'silent' });
  const dir = await mkdtemp(join(tmpdir(), 'natter-drill-'));
  await chmod(dir, 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const nats1: NatsServerHandle = await startNats();
  const db1: TestDatabase = await createTestDatabase();
  cleanups.push(() => nats1.stop(), () => db1.drop());
  let stack: Stack = await startStack({ dataDir: join(dir, 'run'), natsUrl: nats1.url, databaseUrl: db1.url, log });
  cleanups.push(() => stack.stop());

  // A small deployment: three users, two public rooms and a private one, messages, a leave, a profile change.
  const base = stack.gatewayUrl!;
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => TestUser.register(base, n)));
  const general = (await alice.call('POST', '/api/rooms', { name: 'general chatter', visibility: 'public' })).body.roomId as string;
  const garden = (await bob.call('POST', '/api/rooms', { name: 'gardening', visibility: 'public' })).body.roomId as string;
  const secret = (await alice.call('POST', '/api/rooms', { name: 'plans', visibility: 'private' })).body.roomId as string;
  for (const u of [bob, carol]) expect((await u.call('POST', `/api/rooms/${general}/join`)).status).toBe(200);
  expect((await carol.call('POST', `/api/rooms/${garden}/join`)).status).toBe(200);
  expect((await alice.call('POST', `/api/rooms/${secret}/members`, { userId: bob.id })).status).toBe(200);
  let last = 0;
  for (const [u, room, n] of [[alice, general, 6], [bob, general, 4], [carol, garden, 5], [bob, secret, 3]] as const) {
    for (let i = 0; i < n; i++) last = (await u.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: `${u.id}-${room}-${i}`, text: `${room} message ${i}` })).body.seq;
  }
  expect((await carol.call('POST', `/api/rooms/${garden}/leave`)).status).toBe(200);
  last = (await bob.call('PATCH', '/api/me', { displayName: 'Bob the Builder' })).body.seq;

  // What people see: history, rooms with their counts, members, search, profiles.
  const views: [TestUser, string][] = [
    ...[general, garden, secret].flatMap((r): [TestUser, string][] => [[bob, `/api/rooms/${r}/messages?after=0&limit=200`], [bob, `/api/rooms/${r}`], [bob, `/api/rooms/${r}/members`]]),
    ...[alice, bob, carol].flatMap((u): [TestUser, string][] => [[u, '/api/me/rooms'], [u, '/api/me']]),
    [carol, '/api/rooms?q=gard'],
    [carol, '/api/rooms?q=chatter'],
    [alice, `/api/users/${bob.id}`],
  ];
  const see = async (s: Stack) => Promise.all(views.map(async ([u, path]) => {
    const r = await new TestUser(s.gatewayUrl!, u.tokens).call('GET', `${path}${path.includes('?') ? '&' : '?'}minSeq=${last}`);
    return { path, status: r.status, body: r.body };
  }));
  const before = await see(stack);
  for (const v of before) expect(v.status, v.path).toBe(200);
  expect(before.find((v) => v.path === '/api/rooms?q=gard')!.body.items).toHaveLength(1);

  // Back up: the streams (nats stream backup) and the auth data (pg_dump).
  const backup = join(dir, 'backup');
  const nc1 = await connect({ servers: nats1.url });
  const backedUp = await backupAll(nc1, backup);
  await nc1.close();
  expect(backedUp.map((b) => b.stream)).toEqual(backedUpStreams);
  expect(backedUp[0].state.last_seq).toBe(last);
  await run(await pgBin('pg_dump'), ['--data-only', '--schema=auth', '-Fc', '-f', join(backup, 'auth.pgdump'), db1.url]);

  // Disaster: NATS and Postgres are gone.
  await stack.stop();
  await nats1.stop();
  await db1.drop();

  // Restore into fresh servers, before anything provisions them. The token signing key is kept (the same
  // data dir's keys/): with it, the access tokens issued before still verify.
  const nats2 = await startNats();
  const db2 = await createTestDatabase();
  cleanups.push(() => nats2.stop(), () => db2.drop());
  const nc2 = await connect({ servers: nats2.url });
  cleanups.push(() => nc2.close());
  const restored = await restoreAll(nc2, backup);
  expect(restored.map((i) => i.config.name)).toEqual(backedUpStreams);
  expect((await (await jetstreamManager(nc2)).streams.info(Streams.events)).state.last_seq).toBe(last);
  stack = await startStack({ dataDir: join(dir, 'run'), natsUrl: nats2.url, databaseUrl: db2.url, log });
  await run(await pgBin('pg_restore'), ['--data-only', '-d', db2.url, join(backup, 'auth.pgdump')]);

  // The projector replays the restored stream into the fresh read model; the API serves the same answers.
  const after = await see(stack);
  expect(after).toEqual(before);
  // Passwords came back with the auth data; names stay reserved; the sequence continues.
  const login = await fetch(`${stack.gatewayUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: alice.tokens.user.username, password: 'correct horse battery' }) });
  expect(login.status).toBe(200);
  const signedIn = ((await login.json()) as { seq: number }).seq; // SessionStarted, the first event after the restore
  expect(signedIn).toBe(last + 1);
  const again = await fetch(`${stack.gatewayUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: carol.tokens.user.username, email: 'other@example.test', password: 'correct horse battery', displayName: 'x' }),
  });
  expect(again.status).toBe(409);
  const sent = await new TestUser(stack.gatewayUrl!, alice.tokens).call('POST', `/api/rooms/${general}/messages`, { clientMsgId: 'after-restore', text: 'still here' });
  expect(sent.status).toBe(201);
  expect(sent.body.seq).toBe(signedIn + 1);
}, 240_000);
