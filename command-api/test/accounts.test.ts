import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { decodeJwt } from 'jose';
import { Buckets, Subjects } from '@natter/contracts';
import { RevocationKeys } from '@natter/infra/runtime';
import { sql } from 'kysely';
import { RESEND_WINDOW_MS } from '../src/accounts/resend-verification.handler';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;
async function revocationRecord(sessionId: string): Promise<{ revokedAt: string; expiresAt: string } | undefined> {
  const e = await (await new Kvm(h.nc).open(Buckets.revoked)).get(RevocationKeys.session(sessionId));
  return e?.operation === 'PUT' ? e.json() : undefined;
}

describe('register, login, refresh, logout', () => {
  it('register answers 201 with tokens and appends UserRegistered and SessionStarted without secrets; the first account becomes server admin', async () => {
    const before = await h.streamCount();
    const r = await h.http('POST', '/api/auth/register', { username: 'Alice', email: 'Alice@Example.test', password: 'correct horse battery', displayName: 'Alice' });
    expect(r.status).toBe(201);
    expect(r.body.user).toEqual({ id: expect.any(String), username: 'Alice', displayName: 'Alice', bio: '', statusText: '', email: 'Alice@Example.test', emailVerified: false });
    expect(r.body.accessToken).toEqual(expect.any(String));
    expect(r.body.refreshToken).toEqual(expect.any(String));
    const events = await h.events(Subjects.user(r.body.user.id));
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'SessionStarted']);
    expect(events[1]).toMatchObject({ seq: r.body.seq, data: { userId: r.body.user.id, sessionId: sidOf(r.body.accessToken) } });
    expect(events[0].headers['Natter-Event-Type']).toBe('UserRegistered');
    // The first registration on this server: ServerAdminGranted, by nobody (bootstrap).
    const server = await h.events(Subjects.server);
    expect(server.map((e) => [e.type, e.data, e.actor])).toEqual([['ServerAdminGranted', { userId: r.body.user.id }, null]]);
    expect(await h.streamCount()).toBe(before + 3);
    const raw = JSON.stringify(events);
    expect(raw).not.toContain('correct horse battery');
    expect(raw).not.toContain(r.body.refreshToken);
    expect(raw).not.toContain('argon2');
    const cred = await h.db.selectFrom('auth.credentials').select('password_hash').where('user_id', '=', r.body.user.id).executeTakeFirstOrThrow();
    expect(cred.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('login works by username or email in any case; a wrong password is 401 invalid_credentials', async () => {
    for (const login of ['alice', 'ALICE', 'alice@example.test']) {
      const r = await h.http('POST', '/api/auth/login', { login, password: 'correct horse battery' });
      expect(r.status, login).toBe(200);
      expect(r.body.user.username).toBe('Alice');
      // Each sign-in is a SessionStarted, and the answer's seq is that event's.
      const last = (await h.events(Subjects.user(r.body.user.id))).at(-1)!;
      expect(last).toMatchObject({ type: 'SessionStarted', seq: r.body.seq, data: { sessionId: sidOf(r.body.accessToken) } });
    }
    const bad = await h.http('POST', '/api/auth/login', { login: 'alice', password: 'wrong password!' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_credentials');
    const nobody = await h.http('POST', '/api/auth/login', { login: 'nobody', password: 'wrong password!' });
    expect(nobody.body.error.code).toBe('invalid_credentials');
  });

  it('refresh rotates: the new token works once, the old one fails, and reusing it revokes the family', async () => {
    const t0 = await h.register('rotator');
    const r1 = await h.http('POST', '/api/auth/refresh', { refreshToken: t0.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(t0.refreshToken);
    expect(r1.body.user.id).toBe(t0.user.id);

    // The old token again: reuse. 401, and the whole family (including r1's fresh token) is revoked.
    const reuse = await h.http('POST', '/api/auth/refresh', { refreshToken: t0.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('invalid_refresh_token');
    const r2 = await h.http('POST', '/api/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(401);
    // The access token of that session is refused too, and edges were told (SessionRevoked on the user).
    const me = await h.http('PATCH', '/api/me', { displayName: 'x' }, r1.body.accessToken);
    expect(me.status).toBe(401);
    const events = await h.events(Subjects.user(t0.user.id));
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'SessionStarted', 'SessionRevoked']);
    expect(events[2].data).toMatchObject({ userId: t0.user.id, reason: 'reuse_detected' });
    expect(JSON.stringify(events)).not.toContain(t0.refreshToken);
    // ... and the revocation is in natter_revoked, for every other instance, query-api and the edges.
    expect(await revocationRecord(sidOf(r1.body.accessToken))).toEqual({ revokedAt: expect.any(String), expiresAt: expect.any(String) });
  });

  it('logout revokes the session: 200 {ok, seq}, SessionRevoked appended, token and refresh token refused', async () => {
    const t = await h.register('leaver');
    const other = await h.http('POST', '/api/auth/login', { login: 'leaver', password: 'correct horse battery' });
    const r = await h.http('POST', '/api/auth/logout', undefined, t.accessToken);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, seq: expect.any(Number) });
    const events = await h.events(Subjects.user(t.user.id));
    expect(events.at(-1)).toMatchObject({ type: 'SessionRevoked', seq: r.body.seq, data: { userId: t.user.id, reason: 'logout' } });
    expect((await h.http('PATCH', '/api/me', { displayName: 'Still here' }, t.accessToken)).status).toBe(401);
    expect((await h.http('POST', '/api/auth/refresh', { refreshToken: t.refreshToken })).status).toBe(401);
    // Another session of the same user is unaffected.
    expect((await h.http('PATCH', '/api/me', { displayName: 'Still here' }, other.body.accessToken)).status).toBe(200);
    const record = await revocationRecord(sidOf(t.accessToken));
    expect(Date.parse(record!.expiresAt)).toBeGreaterThanOrEqual(Date.parse(record!.revokedAt) + 15 * 60_000);
    expect(await revocationRecord(sidOf(other.body.accessToken))).toBeUndefined();
  });

  it('a logout on one instance is refused at once by another instance that had accepted the token', async () => {
    const b = await h.secondInstance();
    const t = await h.register('roamer');
    // Instance B sees the session active first (and caches that answer from auth.sessions).
    expect((await b.http('PATCH', '/api/me', { displayName: 'Roamer One' }, t.accessToken)).status).toBe(200);
    expect((await h.http('POST', '/api/auth/logout', undefined, t.accessToken)).status).toBe(200);
    const r = await b.http('PATCH', '/api/me', { displayName: 'Roamer Two' }, t.accessToken);
    expect(r.status).toBe(401);
    expect(r.body.error).toEqual({ code: 'unauthenticated', message: expect.stringMatching(/revoked/) });
    // Commands over NATS (from the edge) are refused too, whichever instance takes them.
    for (let i = 0; i < 4; i++) {
      const rpc = await h.rpc('UpdateProfile', { userId: t.user.id, sessionId: sidOf(t.accessToken) }, { displayName: 'Roamer Three' });
      expect(rpc).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
  });

  it('routes other than register/login/refresh need a valid bearer token', async () => {
    expect((await h.http('POST', '/api/rooms', { name: 'x', visibility: 'public' })).body.error.code).toBe('unauthenticated');
    const r = await h.http('PATCH', '/api/me', { displayName: 'x' }, 'not-a-jwt');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthenticated');
  });

  it('update profile appends ProfileUpdated and returns the new profile; same name appends nothing', async () => {
    const t = await h.register('renamer');
    const r = await h.http('PATCH', '/api/me', { displayName: 'New Name' }, t.accessToken);
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: t.user.id, displayName: 'New Name', email: 'renamer@example.test' });
    const again = await h.http('PATCH', '/api/me', { displayName: 'New Name' }, t.accessToken);
    expect(again.body.seq).toBe(r.body.seq);
    expect((await h.events(Subjects.user(t.user.id))).map((e) => e.type)).toEqual(['UserRegistered', 'SessionStarted', 'ProfileUpdated']);
  });
});

describe('uniqueness', () => {
  it('a second register with the same username (any case) or email is 409 and appends nothing', async () => {
    await h.register('bob');
    const before = await h.streamCount();
    const sameName = await h.http('POST', '/api/auth/register', { username: 'BOB', email: 'other@example.test', password: 'correct horse battery', displayName: 'B' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.code).toBe('username_taken');
    const sameEmail = await h.http('POST', '/api/auth/register', { username: 'bobby', email: 'BOB@example.test', password: 'correct horse battery', displayName: 'B' });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.code).toBe('email_taken');
    expect(await h.streamCount()).toBe(before);
    // The username bobby was reserved then given up (tombstone): it can still be registered.
    const bobby = await h.http('POST', '/api/auth/register', { username: 'bobby', email: 'bobby@example.test', password: 'correct horse battery', displayName: 'B' });
    expect(bobby.status).toBe(201);
  });

  it('two concurrent registers of the same username: exactly one wins, exactly one UserRegistered', async () => {
    const before = await h.streamCount();
    const body = (i: number) => ({ username: 'racer', email: `racer${i}@example.test`, password: 'correct horse battery', displayName: `R${i}` });
    const results = await Promise.all([0, 1, 2, 3].map((i) => h.http('POST', '/api/auth/register', body(i))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    expect(await h.streamCount()).toBe(before + 2);
    const winner = results.find((r) => r.status === 201)!;
    expect((await h.events(Subjects.user(winner.body.user.id))).map((e) => e.type)).toEqual(['UserRegistered', 'SessionStarted']);
  });
});

describe('bad input', () => {
  it('invalid fields, unknown fields and bad JSON are 400 and append nothing', async () => {
    const before = await h.streamCount();
    const invalid = await h.http('POST', '/api/auth/register', { username: 'x', email: 'not-an-email', password: 'short', displayName: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation_failed');
    expect(invalid.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['displayName', 'email', 'password', 'username']);
    const unknown = await h.http('POST', '/api/auth/register', { username: 'carol', email: 'carol@example.test', password: 'correct horse battery', displayName: 'C', admin: true });
    expect(unknown.body.error.code).toBe('validation_failed');
    const badJson = await h.http('POST', '/api/auth/register', '{"username": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('bad_json');
    expect(await h.streamCount()).toBe(before);
    // carol was not reserved by the rejected attempt
    expect((await h.http('POST', '/api/auth/register', { username: 'carol', email: 'carol@example.test', password: 'correct horse battery', displayName: 'C' })).status).toBe(201);
  });

  it('an oversized body is 413 body_too_large', async () => {
    const r = await h.http('POST', '/api/auth/login', { login: 'alice', password: 'x'.repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('body_too_large');
  });
});

describe('verification mails', () => {
  it('a double click on "resend the link" queues one mail, not two', async () => {
    const vic = await h.register('vic_resend');
    const queued = async () => (await sql<{ n: number }>`select count(*)::int as n from mail.outbox where kind = 'verify_email' and to_address = 'vic_resend@example.test'`.execute(h.db)).rows[0].n;
    expect(await queued()).toBe(1); // the registration's
    // Both clicks in one dedupe window (the key names the minute): wait out a window about to close.
    const left = RESEND_WINDOW_MS - (Date.now() % RESEND_WINDOW_MS);
    if (left < 5000) await new Promise((r) => setTimeout(r, left + 50));
    // One after the other, as a click and a client's retry of it (together they may share even a millisecond).
    for (let i = 0; i < 2; i++) expect((await h.http('POST', '/api/me/email/verification', undefined, vic.accessToken)).status).toBe(202);
    expect(await queued()).toBe(2);
  });
});
