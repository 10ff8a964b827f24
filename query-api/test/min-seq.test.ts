import { Subjects, type RpcReply } from '@natter/contracts';
import { sql } from 'kysely';
import { PgChannels } from '@natter/infra/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Reply } from './harness';

let h: Harness;
let alice: string;
let checkpoint = 0;

// A slow fallback poll, so that the tests can tell a NOTIFY wake-up from a poll.
const POLL_MS = 2000;

beforeAll(async () => {
  h = await startHarness({ QUERY_API_MINSEQ_POLL_MS: String(POLL_MS) });
  await h.addUser('alice');
  await h.addRoom('r1', 'public', [['alice', 'owner']]);
  checkpoint = 100;
  await h.setCheckpoint(checkpoint);
  alice = await h.token('alice');
});
afterAll(async () => {
  await h?.close();
});

function timed<T>(p: Promise<T>): Promise<{ value: T; at: number }> {
  return p.then((value) => ({ value, at: Date.now() }));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('minSeq (read-your-writes)', () => {
  it('answers at once when the checkpoint is already there', async () => {
    const started = Date.now();
    const r = await h.get(`/api/me?minSeq=${checkpoint}`, alice);
    expect(r.status).toBe(200);
    expect(r.body.asOfSeq).toBe(checkpoint);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('waits until the projection reaches minSeq, woken by NOTIFY natter_projection', async () => {
    const target = checkpoint + 5;
    const pending = timed(h.get(`/api/rooms/r1?minSeq=${target}`, alice));
    const settled = { done: false };
    void pending.then(() => (settled.done = true));
    await sleep(300);
    expect(settled.done).toBe(false);
    // A notification for some other schema, or below the target, wakes nobody.
    await sql`select pg_notify(${PgChannels.projection}, ${`rm_v9_9:${target + 100}`})`.execute(h.db);
    await h.setCheckpoint(target - 1);
    await sleep(200);
    expect(settled.done).toBe(false);
    const advancedAt = Date.now();
    checkpoint = target;
    await h.setCheckpoint(target);
    const { value, at } = await pending;
    expect(value.status).toBe(200);
    expect(value.body.asOfSeq).toBe(target);
    expect(value.headers.get('natter-as-of-seq')).toBe(String(target));
    expect(at - advancedAt).toBeLessThan(POLL_MS / 2);
  });

  it('falls back to polling the checkpoint when no notification comes', async () => {
    const target = checkpoint + 3;
    const pending = h.get(`/api/me/rooms?minSeq=${target}`, alice);
    await sleep(100);
    checkpoint = target;
    await h.setCheckpoint(target, { notify: false });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body.asOfSeq).toBe(target);
  });

  it('many waiters share one LISTEN connection and are all woken by one NOTIFY', async () => {
    const target = checkpoint + 1;
    const pending = Array.from({ length: 40 }, (_, i) => h.get(`/api/${i % 2 ? 'me' : 'me/rooms'}?minSeq=${target}`, alice));
    await sleep(300);
    const listeners = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'query-api-listener'`.execute(h.db);
    expect(listeners.rows[0].n).toBe(1);
    checkpoint = target;
    await h.setCheckpoint(target);
    const replies = await Promise.all(pending);
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  });

  it('answers 503 projection_lagging after the fixed bound (HTTP and NATS alike)', async () => {
    const started = Date.now();
    const [http, nats] = await Promise.all([
      timed(h.get(`/api/rooms/r1/messages?minSeq=${checkpoint + 1000}`, alice)),
      timed(h.nc.request(Subjects.queryUserRooms, JSON.stringify({ userId: 'alice', minSeq: checkpoint + 1000 }), { timeout: 10_000 })),
    ]);
    const r: Reply = http.value;
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('projection_lagging');
    expect(r.body.error.details).toMatchObject({ minSeq: checkpoint + 1000, asOfSeq: checkpoint });
    expect(http.at - started).toBeGreaterThanOrEqual(4900);
    expect(http.at - started).toBeLessThan(7000);
    expect(nats.value.json<RpcReply>()).toMatchObject({ ok: false, error: { code: 'projection_lagging' } });
    const m = await h.get('/metrics');
    expect(m.body).toMatch(/natter_query_minseq_waits_total\{outcome="timeout"\} [1-9]/);
    expect(m.body).toMatch(/natter_query_minseq_waits_total\{outcome="reached"\} [1-9]/);
  });

  it('the NATS user-rooms endpoint waits for minSeq too', async () => {
    const target = checkpoint + 2;
    const pending = h.nc.request(Subjects.queryUserRooms, JSON.stringify({ userId: 'alice', minSeq: target }), { timeout: 10_000 });
    await sleep(200);
    await h.addRoom('r2', 'private', [['alice', 'member']]);
    checkpoint = target;
    await h.setCheckpoint(target);
    const reply = (await pending).json<RpcReply>();
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const result = reply.result as { asOfSeq: number; rooms: { roomId: string }[] };
    expect(result.asOfSeq).toBe(target);
    expect(result.rooms.map((x) => x.roomId).sort()).toEqual(['r1', 'r2']);
  });
});
