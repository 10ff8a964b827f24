import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';
import { relaxedRateLimits } from '../support/limits';
import { synced } from '../support/people';
import { LocalPushService } from '../support/push-service';

/**
 * Web Push end to end (issue 13): a supervised stack (gateway, command-api, projectors with the notifications
 * projection and the push dispatcher) sends to a push service of the test's own over https, which decrypts
 * each message (RFC 8291) and checks its VAPID signature. Presence, mutes, dead endpoints, retries, and a
 * kill -9 of the projector in the middle of a batch of sends.
 */
let dir: string;
let nats: NatsServerHandle;
let database: TestDatabase;
let stack: Stack;
let push: LocalPushService;
let db: pg.Client;
let base: string;
let ann: TestUser;
let roomId: string;
let n = 0;

beforeAll(async () => {
  [push, dir, nats, database] = await Promise.all([LocalPushService.start(), mkdtemp(join(tmpdir(), 'natter-push-')), startNats(), createTestDatabase()]);
  stack = await startStack({
    dataDir: dir,
    natsUrl: nats.url,
    databaseUrl: database.url,
    push: true,
    log: pino({ level: 'silent' }),
    env: {
      ...relaxedRateLimits,
      COMMAND_API_SENDS_PER_SECOND: '1000',
      NOTIFY_PUSH_CA_FILE: push.caFile,
      NOTIFY_PUSH_HOSTS: '127.0.0.1',
      NOTIFY_PUSH_POLL_MS: '100',
      NOTIFY_PUSH_RETRY_BASE_MS: '300',
      NOTIFY_CLAIM_TIMEOUT_MS: '2000',
      PROJECTOR_LOCK_RETRY_MS: '100',
    },
  });
  base = stack.gatewayUrl!;
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  ann = await TestUser.register(base, 'ann');
  roomId = (await ann.call('POST', '/api/rooms', { name: 'launch', visibility: 'public' })).body.roomId;
}, 180_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await push?.stop();
  await nats?.stop();
  await database?.drop();
  if (dir && !process.env.KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
  else if (dir) console.log(`kept ${dir}`);
});

/** A member of the room with a browser subscribed to push. */
async function subscribed(name: string): Promise<{ user: TestUser; endpoint: string; subscriptionId: string }> {
  const user = await TestUser.register(base, name);
  const join = await user.call('POST', `/api/rooms/${roomId}/join`);
  expect(join.status).toBe(200);
  // @mentions are resolved on the chat read model: wait until it has the new account (as any real client would have).
  expect((await user.call('GET', `/api/rooms/${roomId}/members?minSeq=${join.body.seq}`)).status).toBe(200);
  const sub = push.subscribe();
  const r = await user.call('POST', '/api/me/push-subscriptions', sub);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { user, endpoint: sub.endpoint, subscriptionId: r.body.subscriptionId };
}

async function send(who: TestUser, text: string): Promise<number> {
  const r = await who.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `m${++n}`, text });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.seq;
}

const deliveries = async (seq: number) =>
  (await db.query<{ user_id: string; status: string; attempts: number; last_error: string | null }>(`select user_id, status, attempts, last_error from notify.deliveries where channel = 'push' and seq = $1`, [seq])).rows;
const settled = (seq: number) => waitFor(`push deliveries of ${seq} settled`, async () => (await deliveries(seq)).length > 0 && (await deliveries(seq)).every((d) => !['pending', 'sending'].includes(d.status)), 15_000);

describe('Web Push', () => {
  it('a mention reaches the person\'s browser encrypted, signed with the server\'s VAPID key, naming the room and message', async () => {
    const bob = await subscribed('bob');
    const seq = await send(ann, `look @${bob.user.tokens.user.username} the launch is at noon`);
    await waitFor('push for bob', async () => push.for(bob.endpoint).length === 1, 15_000);
    const [got] = push.for(bob.endpoint);
    expect(got.payload).toMatchObject({ title: 'ann in #launch', body: `look @${bob.user.tokens.user.username} the launch is at noon`, tag: `room-${roomId}`, roomId, seq, count: 1 });
    expect(got.payload.url).toMatch(new RegExp(`/rooms/${roomId}\\?m=${seq}$`));
    expect(got.topic).toBe(roomId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32));
    const key = await bob.user.call('GET', '/api/push/vapid-key');
    expect(got.vapid.publicKey).toBe(key.body.publicKey);
    expect(got.vapid.sub).toMatch(/^mailto:/);
    expect(push.rejected).toEqual([]);
  }, 60_000);

  it('someone active right now (a socket open) gets no push; after they leave, they do', async () => {
    const cat = await subscribed('cat');
    const { socket } = await synced(cat.user, `ws://127.0.0.1:${stack.edges[0].port}/ws`);
    const s1 = await send(ann, `@${cat.user.tokens.user.username} are you there?`);
    await settled(s1);
    expect((await deliveries(s1)).map((d) => [d.status, d.last_error])).toEqual([['skipped', 'active']]);
    await socket.close();
    await waitFor('cat offline', async () => (await cat.user.call('GET', `/api/users/${cat.user.id}/presence`)).body.online === false, 10_000);
    const s2 = await send(ann, `@${cat.user.tokens.user.username} now?`);
    await waitFor('push for cat', async () => push.for(cat.endpoint).some((p) => p.payload.seq === s2), 15_000);
    expect(push.for(cat.endpoint).map((p) => p.payload.seq)).toEqual([s2]);
  }, 60_000);

  it('a muted room sends nothing, not even for @room; the others get it', async () => {
    const [dan, eve] = await Promise.all([subscribed('dan'), subscribed('eve')]);
    expect((await dan.user.call('PATCH', `/api/rooms/${roomId}/notification-settings`, { muted: true })).status).toBe(200);
    const seq = await send(ann, '@room heads up everyone');
    await waitFor('push for eve', async () => push.for(eve.endpoint).some((p) => p.payload.seq === seq), 15_000);
    await settled(seq);
    expect((await deliveries(seq)).map((d) => d.user_id)).not.toContain(dan.user.id);
    expect(push.for(dan.endpoint)).toEqual([]);
    const center = await dan.user.call('GET', `/api/me/notifications?minSeq=${seq}`);
    expect(center.body.items.map((i: { messageSeq: number }) => i.messageSeq)).not.toContain(seq);
  }, 60_000);

  it('a failing push service is retried with backoff until it takes the message; a dead endpoint (410) is removed', async () => {
    const fay = await subscribed('fay');
    push.failNext(fay.endpoint, 500, 503);
    const seq = await send(ann, `@${fay.user.tokens.user.username} ping`);
    await waitFor('push for fay after two failures', async () => push.for(fay.endpoint).length === 1, 20_000).catch(async (err) => {
      const dbg = await db.query(`select (select last_seq from notify.checkpoint) cp, (select json_agg(n) from notify.notifications n where user_id = $1) ns, (select json_agg(d) from notify.deliveries d where user_id = $1) ds, (select json_agg(s) from notify.push_subscriptions s where user_id = $1) ss`, [fay.user.id]);
      throw new Error(`${err.message}: seq ${seq} ${JSON.stringify(dbg.rows)} ${push.rejected}`);
    });
    await settled(seq);
    expect((await deliveries(seq)).map((d) => [d.status, d.attempts])).toEqual([['sent', 3]]);

    push.kill(fay.endpoint, 410);
    const s2 = await send(ann, `@${fay.user.tokens.user.username} still there?`);
    await settled(s2);
    const subs = await db.query('select id from notify.push_subscriptions where user_id = $1', [fay.user.id]);
    expect(subs.rows).toEqual([]);
    expect(push.for(fay.endpoint)).toHaveLength(1);
    // The browser's own unsubscribe answers not_found now, and nobody else's id is removable either.
    expect((await fay.user.call('DELETE', `/api/me/push-subscriptions/${fay.subscriptionId}`)).status).toBe(404);

    // An endpoint outside the allowed push service hosts (here: anything but 127.0.0.1) is never contacted: dropped.
    const { keys } = push.subscribe();
    const odd = await fay.user.call('POST', '/api/me/push-subscriptions', { endpoint: 'https://localhost:9/push/elsewhere', keys });
    expect(odd.status).toBe(201);
    const s3 = await send(ann, `${'@'}${fay.user.tokens.user.username} and now?`);
    await settled(s3);
    expect((await deliveries(s3)).map((d) => [d.status, d.last_error])).toEqual([['skipped', 'no subscription']]);
    expect((await db.query('select id from notify.push_subscriptions where user_id = $1', [fay.user.id])).rows).toEqual([]);
  }, 60_000);

  it('kill -9 of the projector in the middle of a batch of sends: nothing is pushed twice, and the rest goes out after the restart', async () => {
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => subscribed(`k${i}`)));
    // Each person gets three pushes (three messages, seconds apart so they are not collapsed into one).
    push.delayMs = 400;
    const seqs: number[] = [];
    seqs.push(await send(ann, '@room first call'));
    await waitFor('pushes in flight', async () => (await db.query(`select count(*)::int as n from notify.deliveries where status = 'sending'`)).rows[0].n > 0, 15_000);
    const restarts = stack.projectors.restarts;
    stack.projectors.proc.kill('SIGKILL');
    seqs.push(await send(ann, '@room second call'));
    await waitFor('projector back', async () => stack.projectors.restarts > restarts, 20_000);
    push.delayMs = 0;
    await new Promise((r) => setTimeout(r, 1500));
    seqs.push(await send(ann, '@room third call'));
    for (const s of seqs) await settled(s);
    for (const p of people) {
      const got = push.for(p.endpoint).map((x) => x.payload.seq);
      expect(new Set(got).size, `${p.user.tokens.user.username} got ${got}`).toBe(got.length); // never twice
    }
    // What was in flight at the kill is given up as `unknown`, never resent; everything else was sent. Rows of
    // one person and room claimed together are collapsed into one push naming the newest (its `count` says how many).
    const rows = (
      await db.query<{ user_id: string; seq: string; status: string }>(`select user_id, seq, status from notify.deliveries where channel = 'push' and seq = any($1::bigint[]) and user_id = any($2::text[])`, [seqs, people.map((p) => p.user.id)])
    ).rows;
    expect(rows.filter((r) => !['sent', 'unknown'].includes(r.status))).toEqual([]);
    expect(rows).toHaveLength(people.length * seqs.length);
    expect(rows.filter((r) => Number(r.seq) === seqs[0] && r.status === 'unknown').length).toBeGreaterThan(0); // the kill did land mid-batch
    for (const p of people) {
      const got = push.for(p.endpoint).map((x) => x.payload);
      const mine = rows.filter((r) => r.user_id === p.user.id);
      for (const r of mine.filter((r) => r.status === 'sent')) expect(got.some((g) => g.seq >= Number(r.seq)), `${p.user.id} sent ${r.seq}`).toBe(true);
      // Every push received names one of this person's rows that was sent or may have been (unknown).
      for (const g of got) expect(mine.some((r) => Number(r.seq) === g.seq)).toBe(true);
      expect(got.reduce((a, g) => a + g.count, 0)).toBeLessThanOrEqual(seqs.length);
      // After the restart, the newest message reached everyone.
      expect(got.some((g) => g.seq === seqs[2])).toBe(true);
    }
  }, 120_000);
});
