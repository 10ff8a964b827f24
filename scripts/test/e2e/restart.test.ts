import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

/**
 * `npm run up` path: the stack starts its own nats-server and Postgres with data under one directory, and a
 * second start on the same directory keeps everything (accounts, rooms, messages, signing keys).
 */
let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('keeps all data across a stop and a second start', async () => {
  dir = await mkdtemp(join(tmpdir(), 'natter-up-'));
  await chmod(dir, 0o755); // as root, Postgres runs as the postgres user and must reach dir/pg
  const log = pino({ level: 'silent' });
  stack = await startStack({ dataDir: dir, log, gateway: true });
  const alice = await TestUser.register(stack.gatewayUrl!, 'alice');
  const room = await alice.call('POST', '/api/rooms', { name: 'keep me', visibility: 'public' });
  const sent = await alice.call('POST', `/api/rooms/${room.body.roomId}/messages`, { clientMsgId: 'm1', text: 'still here?' });
  expect(sent.status).toBe(201);
  await stack.stop();
  stack = undefined;

  stack = await startStack({ dataDir: dir, log, gateway: true });
  const login = await fetch(`${stack.gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: alice.tokens.user.username, password: 'correct horse battery' }),
  });
  expect(login.status).toBe(200);
  const again = new TestUser(stack.gatewayUrl!, (await login.json()) as TestUser["tokens"]);
  // the access token issued before the restart still verifies: the key pair was kept
  const me = await new TestUser(stack.gatewayUrl!, alice.tokens).call('GET', '/api/me');
  expect(me.status).toBe(200);
  expect(me.body.user.id).toBe(alice.id);
  const history = await again.call('GET', `/api/rooms/${room.body.roomId}/messages?minSeq=${sent.body.seq}`);
  expect(history.status).toBe(200);
  expect(history.body.messages.map((m: { text: string; seq: number }) => [m.seq, m.text])).toEqual([[sent.body.seq, 'still here?']]);
}, 180_000);
