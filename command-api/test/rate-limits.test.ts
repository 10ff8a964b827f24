import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

/**
 * The limits as deployed (Postgres-backed, shared by instances), with the production login policy and small
 * limits elsewhere so the tests stay short. Client addresses are set with X-Forwarded-For, which command-api
 * trusts from 127.0.0.1 (the gateway) exactly as it does behind nginx.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: {
      COMMAND_API_REGISTER_PER_ADDRESS: '4/3600',
      COMMAND_API_LOGIN_PER_ADDRESS: '30/60',
      COMMAND_API_LOGIN_FREE_FAILURES: '5',
      COMMAND_API_LOGIN_ACCOUNT_FAILURES: '8',
      COMMAND_API_REFRESH_PER_ADDRESS: '3/3600',
      COMMAND_API_ROOMS_PER_USER: '2/3600',
      COMMAND_API_SENDS_PER_SECOND: '1',
    },
  });
});
afterAll(() => h?.stop());

interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
}

async function call(base: string, method: string, path: string, o: { body?: unknown; token?: string; from?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.from) headers['x-forwarded-for'] = o.from;
  const res = await fetch(base + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

async function register(name: string, from: string): Promise<AuthTokens> {
  const r = await call(h.base, 'POST', '/api/auth/register', { from, body: { username: name, email: `${name}@example.test`, password: 'correct horse battery', displayName: name } });
  if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const login = (name: string, password: string, from: string) => call(h.base, 'POST', '/api/auth/login', { from, body: { login: name, password } });

function expectLimited(r: Answer): void {
  expect(r.status).toBe(429);
  expect(r.body.error.code).toBe('rate_limited');
  expect(r.body.error.details.retryAfterMs).toBeGreaterThan(0);
  expect(Number(r.retryAfter)).toBe(Math.max(1, Math.ceil(r.body.error.details.retryAfterMs / 1000)));
}

describe('login throttling', () => {
  it('an attacker hammering one account from one address backs off; the owner signs in from another address at once', async () => {
    await register('owner1', '198.51.100.1');
    const attacker = '203.0.113.7';
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login('owner1', 'wrong password!', attacker)).status);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    // the 6th failure starts the backoff: the next attempt from that address is refused before the password is checked
    expect((await login('owner1', 'wrong password!', attacker)).status).toBe(401);
    // at the same moment: the attacker's address is refused (even with the right password, before it is
    // checked) while the owner, elsewhere, signs in
    const [refused, owner] = await Promise.all([login('owner1', 'correct horse battery', attacker), login('owner1', 'correct horse battery', '198.51.100.1')]);
    expectLimited(refused);
    expect(refused.body.error.details.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(owner.status).toBe(200);
    // another account from the attacker's address is its own count
    await register('other1', '198.51.100.2');
    expect((await login('other1', 'correct horse battery', attacker)).status).toBe(200);
  });

  it('guesses spread over many addresses make each failing address back off from its first failure, never the owner', async () => {
    await register('owner2', '198.51.100.3');
    for (let i = 0; i < 8; i++) expect((await login('owner2', `wrong guess ${i}`, `192.0.2.${i + 10}`)).status).toBe(401);
    // the account is now under attack: an address that has failed on it waits, even after one failure, while
    // a clean address (the owner's) signs in
    const [again, owner] = await Promise.all([login('owner2', 'another guess', '192.0.2.17'), login('owner2', 'correct horse battery', '198.51.100.3')]);
    expectLimited(again);
    expect(owner.status).toBe(200);
  });

  it('username and email are one account: switching between them does not reset the count', async () => {
    await register('owner3', '198.51.100.4');
    const from = '203.0.113.9';
    for (let i = 0; i < 3; i++) expect((await login('owner3', 'wrong password!', from)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await login('owner3@example.test', 'wrong password!', from)).status).toBe(401);
    expectLimited(await login('OWNER3@example.test', 'correct horse battery', from));
  });

  it('every attempt from one address counts (30 a minute), whatever account it names', async () => {
    const from = '203.0.113.50';
    const answers: Answer[] = [];
    for (let i = 0; i < 31; i++) answers.push(await login(`nobody${i}`, 'wrong password!', from));
    expect(answers.slice(0, 30).every((a) => a.status === 401)).toBe(true);
    expectLimited(answers[30]);
  });
});

describe('registration, refresh and room creation limits', () => {
  it('registration is limited per address (here 4 an hour): the next one is 429 and reserves nothing; another address registers', async () => {
    const from = '203.0.113.60';
    for (let i = 0; i < 4; i++) await register(`reg${i}`, from);
    const before = await h.streamCount();
    const refused = await call(h.base, 'POST', '/api/auth/register', { from, body: { username: 'reg4', email: 'reg4@example.test', password: 'correct horse battery', displayName: 'r' } });
    expectLimited(refused);
    expect(await h.streamCount()).toBe(before);
    await register('reg4', '203.0.113.61');
  });

  it('refresh is limited per address (here 3 an hour)', async () => {
    const from = '203.0.113.70';
    let t = await register('refresher', from);
    for (let i = 0; i < 3; i++) {
      const r = await call(h.base, 'POST', '/api/auth/refresh', { from, body: { refreshToken: t.refreshToken } });
      expect(r.status).toBe(200);
      t = r.body;
    }
    expectLimited(await call(h.base, 'POST', '/api/auth/refresh', { from, body: { refreshToken: t.refreshToken } }));
    expect((await call(h.base, 'POST', '/api/auth/refresh', { from: '203.0.113.71', body: { refreshToken: t.refreshToken } })).status).toBe(200);
  });

  it('room creation is limited per user over HTTP and NATS alike (here 2 an hour)', async () => {
    const t = await register('builder', '203.0.113.80');
    for (let i = 0; i < 2; i++) expect((await call(h.base, 'POST', '/api/rooms', { token: t.accessToken, body: { name: `r${i}`, visibility: 'public' } })).status).toBe(201);
    expectLimited(await call(h.base, 'POST', '/api/rooms', { token: t.accessToken, body: { name: 'r2', visibility: 'public' } }));
    const sid = JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const overNats = await h.rpc('CreateRoom', { userId: t.user.id, sessionId: sid }, { name: 'r3', visibility: 'public' });
    expect(overNats).toMatchObject({ ok: false, error: { code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } } });
  });
});

describe('sends across instances', () => {
  it('two command-api instances do not allow twice the rate: one user\'s sends through both share one bucket', async () => {
    const other = await h.secondInstance();
    const t = await register('sender', '203.0.113.90');
    const room = await call(h.base, 'POST', '/api/rooms', { token: t.accessToken, body: { name: 'sends', visibility: 'public' } });
    expect(room.status).toBe(201);
    const roomId = room.body.roomId as string;
    const before = await h.streamCount();
    // 1 send a second, bursts of 2. Each instance alone would allow its own burst of 2 plus its own refill.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => call(i % 2 ? other.base : h.base, 'POST', `/api/rooms/${roomId}/messages`, { token: t.accessToken, body: { clientMsgId: `s-${i}`, text: `send ${i}` } })),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const ok = answers.filter((a) => a.status === 201).length;
    for (const a of answers.filter((x) => x.status !== 201)) expectLimited(a);
    // Shared: the burst (2) plus what refilled meanwhile (1/s), plus one for a refill landing at the edge.
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(ok).toBeLessThanOrEqual(2 + Math.floor(elapsedS) + 1);
    expect(await h.streamCount()).toBe(before + ok);
  });
});
