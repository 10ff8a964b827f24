import { Subjects, type RpcReply } from '@natter/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Reply } from './harness';

/**
 * Load shedding (infra's Admission, QUERY_API_MAX_IN_FLIGHT): with one request allowed in flight, a read that
 * waits for a `minSeq` the projection has not reached holds the only slot; everything else under /api/ and
 * every NATS query is refused at once with `overloaded` and a retry hint, and health still answers.
 */
let h: Awaited<ReturnType<typeof startHarness>>;
let alice: string;
beforeAll(async () => {
  h = await startHarness({ QUERY_API_MAX_IN_FLIGHT: '1' });
  await h.addUser('alice');
  await h.setCheckpoint(h.nextSeq());
  alice = await h.token('alice');
});
afterAll(async () => {
  await h?.close();
});

it('at capacity: 503 overloaded with Retry-After over HTTP, an overloaded reply over NATS; served again once the slot frees', async () => {
  const holding = h.get('/api/me?minSeq=1000000', alice); // holds the slot until the checkpoint gets there
  let refused: Reply | undefined;
  for (const until = Date.now() + 5000; !refused && Date.now() < until; ) {
    const r = await h.get('/api/me', alice);
    if (r.status === 503) refused = r;
  }
  expect(refused?.body.error.code).toBe('overloaded');
  expect(refused?.body.error.details.retryAfterMs).toBeGreaterThan(0);
  expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

  const m = await h.nc.request(Subjects.queryUserRooms, JSON.stringify({ userId: 'alice' }), { timeout: 5000 });
  const reply = m.json<RpcReply>();
  expect(reply).toMatchObject({ ok: false, error: { code: 'overloaded', details: { retryAfterMs: expect.any(Number) } } });
  expect((await h.get('/healthz')).status).toBe(200);

  await h.setCheckpoint(1_000_000);
  expect((await holding).status).toBe(200);
  const after = await h.get('/api/me', alice);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ user: { id: 'alice' } });
});
