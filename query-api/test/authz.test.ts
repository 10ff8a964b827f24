import { openRevocations, PgChannels, recordRevocation } from '@natter/infra/runtime';
import { createReadModelSchema, READ_MODEL_VERSION, readModelSchemaName } from '@natter/infra/provision';
import { waitFor } from '@natter/infra/testing';
import { Subjects, type RpcReply } from '@natter/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
const tok: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness({ QUERY_API_SCHEMA_POLL_MS: '600000' });
  for (const u of ['alice', 'bob', 'carol', 'dave']) await h.addUser(u, { deactivated: u === 'dave' });
  await h.addRoom('pub', 'public', [['alice', 'owner'], ['bob', 'member']], { name: 'General 100%' });
  await h.addRoom('priv', 'private', [['alice', 'owner']], { name: 'Secret' });
  await h.addMessages('pub', 3);
  await h.addMessages('priv', 2);
  await h.setCheckpoint(h.nextSeq());
  for (const u of ['alice', 'bob', 'carol', 'dave']) tok[u] = await h.token(u);
});
afterAll(async () => {
  await h?.close();
});

const routes = ['/api/me', '/api/users/alice', '/api/me/rooms', '/api/rooms', '/api/rooms/pub', '/api/rooms/pub/members', '/api/rooms/pub/messages'];

describe('authentication', () => {
  it.each(routes)('%s: 401 unauthenticated without a token, with a bad one, token_expired with an expired one', async (path) => {
    const none = await h.get(path);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    const bad = await h.get(path, 'not.a.jwt');
    expect(bad.body.error.code).toBe('unauthenticated');
    const expired = await h.get(path, await h.token('alice', -60));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
  });

  it('a token that was accepted (and cached) is refused once it expires', async () => {
    const t = await h.token('alice', 2);
    expect((await h.get('/api/me', t)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await h.get('/api/me', t);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('token_expired');
  });

  it('a deactivated user gets 403 user_deactivated', async () => {
    const r = await h.get('/api/me', tok.dave);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('user_deactivated');
  });
});

describe('revocation (KV natter_revoked, written by command-api on logout and reuse detection)', () => {
  it('a logged-out session gets 401 on every route within a second, though its token was accepted and cached', async () => {
    const laptop = await h.token('bob', undefined, 'bob-laptop');
    const phone = await h.token('bob', undefined, 'bob-phone');
    for (const path of routes) expect((await h.get(path, laptop)).status, path).toBe(200);
    const t0 = Date.now();
    await recordRevocation(await openRevocations(h.nc), { sessionId: 'bob-laptop' });
    await waitFor('401 for the revoked session', async () => (await h.get('/api/me', laptop)).status === 401, 1000, 5);
    expect(Date.now() - t0).toBeLessThan(1000);
    for (const path of routes) {
      const r = await h.get(path, laptop);
      expect(r.status, path).toBe(401);
      expect(r.body.error, path).toEqual({ code: 'unauthenticated', message: expect.stringMatching(/revoked/) });
    }
    // The same user's other session is unaffected.
    expect((await h.get('/api/me', phone)).status).toBe(200);
  });

  it('a user revoked as a whole (deactivation) gets 403 user_deactivated on every session at once', async () => {
    await h.addUser('erin');
    const t = await h.token('erin', undefined, 'erin-1');
    expect((await h.get('/api/me', t)).status).toBe(200);
    await recordRevocation(await openRevocations(h.nc), { userId: 'erin' });
    await waitFor('403 for the deactivated user', async () => (await h.get('/api/me', t)).status === 403, 1000, 5);
    expect((await h.get('/api/me/rooms', await h.token('erin', undefined, 'erin-2'))).body.error.code).toBe('user_deactivated');
  });
});

describe('authorization matrix', () => {
  // [user, path, status, error code | undefined]
  const matrix: [string, string, number, string?][] = [
    ['alice', '/api/rooms/pub', 200],
    ['carol', '/api/rooms/pub', 200],
    ['alice', '/api/rooms/priv', 200],
    ['bob', '/api/rooms/priv', 404, 'room_not_found'],
    ['carol', '/api/rooms/priv', 404, 'room_not_found'],
    ['carol', '/api/rooms/nope', 404, 'room_not_found'],
    ['carol', '/api/rooms/pub/members', 200],
    ['alice', '/api/rooms/priv/members', 200],
    ['bob', '/api/rooms/priv/members', 404, 'room_not_found'],
    ['carol', '/api/rooms/nope/members', 404, 'room_not_found'],
    ['bob', '/api/rooms/pub/messages', 200],
    ['alice', '/api/rooms/pub/messages', 200],
    ['carol', '/api/rooms/pub/messages', 403, 'not_member'],
    ['alice', '/api/rooms/priv/messages', 200],
    ['bob', '/api/rooms/priv/messages', 404, 'room_not_found'],
    ['carol', '/api/rooms/nope/messages', 404, 'room_not_found'],
  ];
  it.each(matrix)('%s GET %s -> %i %s', async (user, path, status, code) => {
    const r = await h.get(path, tok[user]);
    expect(r.status).toBe(status);
    if (code) expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('members and history contents', async () => {
    const members = await h.get('/api/rooms/pub/members', tok.carol);
    expect(members.body.items.map((m: { userId: string }) => m.userId)).toEqual(['alice', 'bob']);
    expect(members.body.items[0]).toMatchObject({ username: 'alice', displayName: 'User alice', role: 'owner' });
    const hist = await h.get('/api/rooms/priv/messages', tok.alice);
    expect(hist.body.messages).toHaveLength(2);
    expect(hist.body.messages[0]).toMatchObject({ roomId: 'priv', senderId: 'sender', text: expect.stringMatching(/^message /) });
    expect(hist.body.hasMore).toBe(false);
  });
});

describe('profiles and room lists', () => {
  it('GET /api/me has the email; GET /api/users/:id does not (unless it is you)', async () => {
    const me = await h.get('/api/me', tok.alice);
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ id: 'alice', username: 'alice', displayName: 'User alice', bio: '', statusText: '', email: 'alice@example.test', emailVerified: false, serverAdmin: false, avatar: null });
    const other = await h.get('/api/users/alice', tok.bob);
    expect(other.body.user).toEqual({ id: 'alice', username: 'alice', displayName: 'User alice', bio: '', statusText: '', deactivated: false, online: false, lastSeenAt: null, avatar: null });
    const nope = await h.get('/api/users/nobody', tok.bob);
    expect(nope.status).toBe(404);
    expect(nope.body.error.code).toBe('user_not_found');
  });

  it('GET /api/me/rooms: my rooms by lastSeq desc, with role and joinedSeq', async () => {
    const r = await h.get('/api/me/rooms', tok.alice);
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual(['priv', 'pub']);
    expect(r.body.items[1]).toMatchObject({ id: 'pub', role: 'owner', visibility: 'public', memberCount: 2, joinedSeq: expect.any(Number) });
    expect((await h.get('/api/me/rooms', tok.carol)).body.items).toEqual([]);
  });

  it('GET /api/rooms lists public rooms only, filtered by q (LIKE characters are literal)', async () => {
    const all = await h.get('/api/rooms', tok.carol);
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual(['pub']);
    expect((await h.get('/api/rooms?q=general', tok.carol)).body.items).toHaveLength(1);
    expect((await h.get('/api/rooms?q=100%25', tok.carol)).body.items).toHaveLength(1);
    expect((await h.get('/api/rooms?q=1_0', tok.carol)).body.items).toHaveLength(0);
    expect((await h.get('/api/rooms?q=secret', tok.alice)).body.items).toHaveLength(0);
  });

  it('every answer carries asOfSeq in the body and the Natter-As-Of-Seq header', async () => {
    const cp = (await h.rm().selectFrom('checkpoint').select('last_seq').executeTakeFirstOrThrow()).last_seq;
    for (const path of routes) {
      const r = await h.get(path, tok.alice);
      expect(r.status, path).toBe(200);
      expect(r.body.asOfSeq, path).toBe(cp);
      expect(r.headers.get('natter-as-of-seq'), path).toBe(String(cp));
    }
  });
});

describe('validation and errors', () => {
  it.each([
    '/api/me?foo=1',
    '/api/rooms/pub/messages?limit=0',
    '/api/rooms/pub/messages?limit=201',
    '/api/rooms/pub/messages?before=5&after=2',
    '/api/rooms/pub/messages?before=abc',
    '/api/rooms/pub/messages?cursor=1',
    '/api/rooms?limit=0',
    '/api/rooms/pub?minSeq=-1',
    '/api/rooms/a.b',
  ])('%s -> 400 validation_failed', async (path) => {
    const r = await h.get(path, tok.alice);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details).toBeInstanceOf(Array);
  });

  it('unknown route -> 404 not_found error body', async () => {
    const r = await h.get('/api/nope', tok.alice);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });

  it('HEAD works on GET routes', async () => {
    const r = await fetch(`${h.base}/api/me`, { method: 'HEAD', headers: { authorization: `Bearer ${tok.alice}` } });
    expect(r.status).toBe(200);
  });
});

describe('operations', () => {
  it('healthz, readyz, metrics, openapi', async () => {
    expect((await h.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await h.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ nats: true, postgres: true, listener: true });
    const m = await h.get('/metrics');
    expect(m.body).toMatch(/natter_query_http_requests_total\{method="GET",route="\/api\/me",status="200"\} \d+/);
    expect(m.body).toMatch(/natter_query_http_request_duration_seconds_bucket\{[^}]*route="\/api\/rooms\/:roomId\/messages"[^}]*\} [1-9]/);
    expect(m.body).toMatch(/natter_query_errors_total\{code="(not_member|room_not_found)"\} [1-9]/);
    expect(m.body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(m.body).toMatch(/^natter_nats_connected 1$/m);
    expect(m.body).toMatch(/natter_query_minseq_waits_total\{outcome="timeout"\}/);
    const doc = await h.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/rooms/{roomId}/messages'].get).toBeDefined();
  });
});

describe('NATS natter.query.user-rooms', () => {
  it('answers the rooms of a user, and a typed error for a bad request', async () => {
    const r = (await h.nc.request(Subjects.queryUserRooms, JSON.stringify({ userId: 'alice' }))).json<RpcReply>();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const result = r.result as { asOfSeq: number; rooms: { roomId: string }[] };
    expect(result.rooms.map((x) => x.roomId)).toEqual(['priv', 'pub']);
    expect(result.asOfSeq).toBeGreaterThan(0);
    const none = (await h.nc.request(Subjects.queryUserRooms, JSON.stringify({ userId: 'carol' }))).json<RpcReply>();
    expect(none).toEqual({ ok: true, result: { asOfSeq: result.asOfSeq, rooms: [] } });
    const bad = (await h.nc.request(Subjects.queryUserRooms, JSON.stringify({ user: 'x' }))).json<RpcReply>();
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const notJson = (await h.nc.request(Subjects.queryUserRooms, 'nope{')).json<RpcReply>();
    expect(notJson).toMatchObject({ ok: false, error: { code: 'bad_json' } });
  });
});

describe('schema swap', () => {
  it('a rebuilt schema switched in natter.read_models (+ NOTIFY natter_read_model) serves the next reads', async () => {
    // a later build of the version this code reads (an older version's schema is refused while it upgrades)
    const next = readModelSchemaName(READ_MODEL_VERSION, 1);
    await createReadModelSchema(h.db, next);
    await h.addUser('alice', { schema: next });
    await h.addRoom('rebuilt', 'public', [['alice', 'owner']], { schema: next });
    await h.setCheckpoint(9999, { schema: next, notify: false });
    await sql`update natter.read_models set active_schema = ${next}, switched_at = now() where projection = 'chat'`.execute(h.db);
    await sql`select pg_notify(${PgChannels.readModel}, ${next})`.execute(h.db);
    const deadline = Date.now() + 3000;
    let r = await h.get('/api/me/rooms', tok.alice);
    while (r.body.asOfSeq !== 9999 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 20));
      r = await h.get('/api/me/rooms', tok.alice);
    }
    expect(r.body.asOfSeq).toBe(9999);
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual(['rebuilt']);
    // The old schema can be dropped; reads keep working.
    await sql.raw(`drop schema ${h.schema} cascade`).execute(h.db);
    expect((await h.get('/api/rooms/rebuilt', tok.carol)).status).toBe(200);
  });
});
