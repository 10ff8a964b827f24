import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, presenceKey } from '@natter/contracts';
import { watchPresence, type PresenceWatch } from '@natter/infra/runtime';
import { stopChild } from '@natter/infra/provision';
import { freePort, waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { Client, log, sleep, World } from './harness';

/** A short heartbeat so that staleness (3 heartbeats) is observable in a test. */
const HB = 250;
const env = { EDGE_PRESENCE_HEARTBEAT_MS: String(HB) };

const w = new World();
let edgeA: EdgeHandle;
let edgeB: EdgeHandle;
let kv: KV;
let reader: PresenceWatch;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await w.start();
  edgeA = await w.edge({}, env);
  edgeB = await w.edge({}, env);
  kv = await new Kvm(w.nc).open(Buckets.presence);
  // An independent reader of the bucket, like query-api's.
  reader = watchPresence(w.nc, log, { pruneEveryMs: HB });
  await reader.ready;
  await w.fake.createRoom('club', 'alice', ['bob', 'erin']);
  await w.fake.createRoom('other', 'carol', ['dave']);
});
afterAll(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  await reader?.stop();
  await w.stop();
});

const presenceOf = (c: Client, userId: string) => c.frames.filter((f) => f.type === 'presence' && f.userId === userId).map((f) => f.online as boolean);

/**
 * The user's keys in the bucket. kv.keys() sometimes never finishes while heartbeats write the bucket (seen on
 * a loaded machine), so each listing is bounded and retried.
 */
async function keysOf(userId: string): Promise<string[]> {
  const list = async () => {
    const out: string[] = [];
    for await (const k of await kv.keys(`${userId}.*`)) out.push(k);
    return out;
  };
  return waitFor(`presence keys of ${userId}`, list, 10_000, 50, 1500);
}

describe('presence', () => {
  it('a follower sees a user come online on connect and go offline on disconnect (KV entry put, then deleted)', async () => {
    const bob = await w.client(edgeB, 'bob');
    const ack = await bob.request({ type: 'presence_subscribe', id: 'p1', userIds: ['alice'] });
    expect(ack).toMatchObject({ type: 'ack', id: 'p1', result: { online: { alice: false } } });

    const alice = await w.client(edgeA, 'alice');
    const hello = await alice.frame('hello', (f) => f.type === 'hello');
    await bob.until('alice online', () => presenceOf(bob, 'alice').length === 1);
    expect(presenceOf(bob, 'alice')).toEqual([true]);
    const entry = await kv.get(presenceKey('alice', hello.connId));
    expect(entry?.json()).toMatchObject({ userId: 'alice', node: 'edge-test-0', staleAfterMs: 3 * HB });
    expect(reader.directory.isOnline('alice')).toBe(true);

    // Heartbeats keep it alive well past the staleness window.
    await sleep(5 * HB);
    expect(presenceOf(bob, 'alice')).toEqual([true]);

    alice.close();
    await bob.until('alice offline', () => presenceOf(bob, 'alice').length === 2, 3 * HB);
    expect(presenceOf(bob, 'alice')).toEqual([true, false]);
    expect(await keysOf('alice')).toEqual([]);
    expect(reader.directory.isOnline('alice')).toBe(false);
  });

  it('with two connections the user stays online until both close', async () => {
    const bob = await w.client(edgeB, 'bob');
    await bob.request({ type: 'presence_subscribe', id: 'p1', userIds: ['erin'] });
    const erin1 = await w.client(edgeA, 'erin');
    const erin2 = await w.client(edgeB, 'erin');
    await bob.until('erin online', () => presenceOf(bob, 'erin').length === 1);
    await waitFor('both entries', async () => (await keysOf('erin')).length === 2, 5000);

    erin1.close();
    await waitFor('one entry left', async () => (await keysOf('erin')).length === 1, 5000);
    await sleep(5 * HB);
    expect(presenceOf(bob, 'erin')).toEqual([true]);
    expect(reader.directory.isOnline('erin')).toBe(true);

    erin2.close();
    await bob.until('erin offline', () => presenceOf(bob, 'erin').length === 2, 3000);
    expect(presenceOf(bob, 'erin')).toEqual([true, false]);
  });

  it('the ack reports users already online; following yourself is allowed', async () => {
    const alice = await w.client(edgeA, 'alice');
    await alice.frame('hello', (f) => f.type === 'hello');
    const bob = await w.client(edgeB, 'bob');
    await bob.frame('hello', (f) => f.type === 'hello');
    await waitFor('both online for the reader', async () => reader.directory.isOnline('alice') && reader.directory.isOnline('bob'), 5000);
    await sleep(50);
    const r = await bob.request({ type: 'presence_subscribe', id: 'p1', userIds: ['alice', 'bob'] });
    expect(r).toMatchObject({ type: 'ack', result: { online: { alice: true, bob: true } } });
    alice.close();
    await bob.until('alice offline', () => presenceOf(bob, 'alice').at(-1) === false);
  });

  it('presence_subscribe for someone who shares no room is refused (forbidden), and the old list stays', async () => {
    const bob = await w.client(edgeB, 'bob');
    await bob.request({ type: 'presence_subscribe', id: 'ok', userIds: ['alice'] });
    const refused = await bob.request({ type: 'presence_subscribe', id: 'no', userIds: ['alice', 'carol'] });
    expect(refused).toMatchObject({ type: 'error', id: 'no', code: 'forbidden' });
    expect(refused.message).toContain('carol');
    const tooMany = await bob.request({ type: 'presence_subscribe', id: 'big', userIds: Array.from({ length: 201 }, (_, i) => `u${i}`) });
    expect(tooMany).toMatchObject({ type: 'error', id: 'big', code: 'validation_failed' });
    // Still following alice.
    const alice = await w.client(edgeA, 'alice');
    await bob.until('alice online', () => presenceOf(bob, 'alice').includes(true));
    alice.close();
    await bob.until('alice offline', () => presenceOf(bob, 'alice').at(-1) === false);
  });

  it('guarantee 9: an edge killed without cleanup has its users offline within a few heartbeats', async () => {
    const bob = await w.client(edgeB, 'bob');
    await bob.request({ type: 'presence_subscribe', id: 'p1', userIds: ['alice'] });
    const before = presenceOf(bob, 'alice').length;

    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      env: { ...process.env, ...w.edgeEnv('edge-doomed'), ...env, EDGE_PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    await waitFor('child edge up', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 20_000, 100);
    const alice = await Client.open(`ws://127.0.0.1:${port}/ws?access_token=${await w.token('alice')}`);
    await bob.until('alice online', () => presenceOf(bob, 'alice').length === before + 1, 5000);

    child.kill('SIGKILL');
    const killedAt = Date.now();
    await bob.until('alice offline', () => presenceOf(bob, 'alice').length === before + 2, 20 * HB);
    const convergedMs = Date.now() - killedAt;
    expect(presenceOf(bob, 'alice').slice(before)).toEqual([true, false]);
    // Nobody deleted the dead node's entry: the readers judged it stale (3 heartbeats) and pruned it (1 more).
    expect(await keysOf('alice')).toHaveLength(1);
    expect(reader.directory.isOnline('alice')).toBe(false);
    log.info({ convergedMs }, 'presence converged after SIGKILL');
    expect(convergedMs).toBeLessThanOrEqual(4 * HB + 400);
    alice.ws.terminate();
  });

  it('drain deletes the node\'s entries', async () => {
    const extra = await w.edge({}, env);
    const frank = await w.client(extra, 'frank');
    await frank.frame('hello', (f) => f.type === 'hello');
    await waitFor('frank entry', async () => (await keysOf('frank')).length === 1, 5000);
    await extra.close();
    await waitFor('frank entry deleted', async () => (await keysOf('frank')).length === 0, 1000);
  });
});
