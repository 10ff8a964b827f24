import type { AuthTokens } from '@natter/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

/**
 * Load shedding (infra's Admission, COMMAND_API_MAX_IN_FLIGHT): with one command allowed in flight, a
 * registration (argon2id hashing: tens of milliseconds) holds the slot, and a command arriving meanwhile is
 * refused at once with `overloaded` and a retry hint, over HTTP (503 + Retry-After) and NATS alike, with
 * nothing stored. Retried afterwards, it is done.
 */
let h: Harness;
let alice: AuthTokens;
const sid = (t: AuthTokens) => JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sid as string;
beforeAll(async () => {
  h = await startHarness({ env: { COMMAND_API_MAX_IN_FLIGHT: '1' } });
  alice = await h.register('alice');
});
afterAll(() => h?.stop());

/** Runs `attempt` while a registration holds the only slot, until it is refused (it may arrive first). */
let holders = 0;
async function whileBusy<T>(attempt: (i: number) => Promise<T>, refused: (r: T) => boolean): Promise<{ result: T; i: number; stored: number }> {
  for (let i = 0; i < 20; i++) {
    const before = await h.streamCount();
    const name = `holder${++holders}`;
    // Not h.register: when the attempt gets there first, the registration is the one refused (and we go again).
    const holding = h.http('POST', '/api/auth/register', { username: name, email: `${name}@example.test`, password: 'correct horse battery', displayName: name });
    // A NATS request can overtake the HTTP one on a loaded machine: after the first tries, give the registration
    // a growing head start (its hashing holds the slot for tens of milliseconds).
    if (i > 0) await new Promise((r) => setTimeout(r, Math.min(2 * i, 20)));
    const result = await attempt(i);
    await holding;
    if (refused(result)) return { result, i, stored: (await h.streamCount()) - before };
  }
  throw new Error('never refused while a registration was in flight');
}

it('HTTP: 503 overloaded with Retry-After and a retryAfterMs hint; nothing stored; the retry is done', async () => {
  const body = (i: number) => ({ name: `busy ${i}`, visibility: 'public' });
  const { result, stored } = await whileBusy((i) => h.http('POST', '/api/rooms', body(i), alice.accessToken), (r) => r.status === 503);
  expect(result.body.error).toMatchObject({ code: 'overloaded', details: { retryAfterMs: expect.any(Number) } });
  expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(stored).toBe(2); // the registration's UserRegistered and SessionStarted only
  const retry = await h.http('POST', '/api/rooms', body(99), alice.accessToken);
  expect(retry.status).toBe(201);
});

it('NATS: an overloaded reply with retryAfterMs; nothing stored; the retry with the same clientMsgId is stored once', async () => {
  const room = await h.http('POST', '/api/rooms', { name: 'nats busy', visibility: 'public' }, alice.accessToken);
  const auth = { userId: alice.user.id, sessionId: sid(alice) };
  const input = (i: number) => ({ roomId: room.body.roomId, clientMsgId: `busy-${i}`, text: 'later' });
  const { result, i, stored } = await whileBusy((n) => h.rpc('SendMessage', auth, input(n)), (r) => !r.ok && r.error.code === 'overloaded');
  expect(result).toMatchObject({ ok: false, error: { code: 'overloaded', details: { retryAfterMs: expect.any(Number) } } });
  expect(stored).toBe(2); // the registration's two events only
  const retry = await h.rpc('SendMessage', auth, input(i));
  expect(retry).toMatchObject({ ok: true, result: { duplicate: false } });
});
