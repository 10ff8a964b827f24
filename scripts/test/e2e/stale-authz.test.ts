import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

/**
 * Access checks see a membership change as soon as its command has answered: the removed (or departed) user's
 * very next read of the room is refused, never served from a read model that has not applied the change yet.
 * Through the gateway, with the projector as a separate process (its lag is real).
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let owner: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-stale-authz-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }) });
  [owner, bob] = await Promise.all([TestUser.register(stack.gatewayUrl!, 'owner'), TestUser.register(stack.gatewayUrl!, 'bob')]);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const reads = (roomId: string) => [`/api/rooms/${roomId}`, `/api/rooms/${roomId}/members`, `/api/rooms/${roomId}/messages`];

describe('stale authorization after a membership change', () => {
  it('removed from a private room: every read right after the removal answered is 404, 20 times over', async () => {
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'secret', visibility: 'private' })).body.roomId as string;
    for (let round = 0; round < 20; round++) {
      const added = await owner.call('POST', `/api/rooms/${roomId}/members`, { userId: bob.id });
      expect(added.status).toBe(200);
      // a member reads (with minSeq, as a client that just learned of its addition would)
      const before = await bob.call('GET', `/api/rooms/${roomId}/messages?minSeq=${added.body.seq}`);
      expect(before.status).toBe(200);
      const removed = await owner.call('DELETE', `/api/rooms/${roomId}/members/${bob.id}`);
      expect(removed.status).toBe(200);
      // no minSeq: the client does not know about its removal, the server must
      const after = await Promise.all(reads(roomId).map((p) => bob.call('GET', p)));
      for (const r of after) expect(r, `round ${round}`).toEqual({ status: 404, body: { error: { code: 'room_not_found', message: expect.any(String) } } });
    }
  });

  it('left a public room: history right after the leave answered is 403 not_member, 20 times over', async () => {
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'open', visibility: 'public' })).body.roomId as string;
    for (let round = 0; round < 20; round++) {
      const joined = await bob.call('POST', `/api/rooms/${roomId}/join`);
      expect(joined.status).toBe(200);
      const left = await bob.call('POST', `/api/rooms/${roomId}/leave`);
      expect(left.status).toBe(200);
      const history = await bob.call('GET', `/api/rooms/${roomId}/messages`);
      expect(history.status, `round ${round}: ${JSON.stringify(history.body)}`).toBe(403);
      expect(history.body.error.code).toBe('not_member');
      expect(history.body.error.details).toBeUndefined();
    }
  });

  it('added: the first read right after the add answered is served (the fence waits for the addition too)', async () => {
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'welcome', visibility: 'private' })).body.roomId as string;
    for (let round = 0; round < 10; round++) {
      expect((await owner.call('POST', `/api/rooms/${roomId}/members`, { userId: bob.id })).status).toBe(200);
      const r = await bob.call('GET', `/api/rooms/${roomId}/messages`);
      expect(r.status, `round ${round}`).toBe(200);
      expect((await owner.call('DELETE', `/api/rooms/${roomId}/members/${bob.id}`)).status).toBe(200);
    }
  });
});
