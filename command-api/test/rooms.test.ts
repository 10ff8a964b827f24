import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

let h: Harness;
let owner: AuthTokens;
let bob: AuthTokens;
beforeAll(async () => {
  h = await startHarness();
  owner = await h.register('owner');
  bob = await h.register('bob');
});
afterAll(() => h?.stop());

async function createRoom(t: AuthTokens, visibility: 'public' | 'private', name = 'general') {
  const r = await h.http('POST', '/api/rooms', { name, visibility }, t.accessToken);
  expect(r.status).toBe(201);
  return r.body.roomId as string;
}

describe('rooms over HTTP', () => {
  it('create room: 201, RoomCreated + MemberJoined(owner) on ev.room.<id>.meta with type/version headers', async () => {
    const before = await h.streamCount();
    const r = await h.http('POST', '/api/rooms', { name: 'general', topic: 'hello', visibility: 'public' }, owner.accessToken);
    expect(r.status).toBe(201);
    const { roomId, seq, room } = r.body;
    expect(room).toMatchObject({ id: roomId, name: 'general', topic: 'hello', visibility: 'public', createdBy: owner.user.id, memberCount: 1, lastSeq: seq });
    const events = await h.events(Subjects.roomMeta(roomId));
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['RoomCreated', `ev.room.${roomId}.meta`],
      ['MemberJoined', `ev.room.${roomId}.meta`],
    ]);
    expect(events.map((e) => e.headers)).toEqual([
      { 'Natter-Event-Type': 'RoomCreated', 'Natter-Event-Version': '1', 'Nats-Msg-Id': `ev.room.${roomId}.meta:1` },
      { 'Natter-Event-Type': 'MemberJoined', 'Natter-Event-Version': '1', 'Nats-Msg-Id': `ev.room.${roomId}.meta:${events[0].seq + 1}` },
    ]);
    expect(events[1]).toMatchObject({ seq, actor: owner.user.id, data: { userId: owner.user.id, role: 'owner', addedBy: null } });
    expect(await h.streamCount()).toBe(before + 2);
  });

  it('join a public room, join again (same seq, nothing appended), leave, leave again (403 not_member)', async () => {
    const roomId = await createRoom(owner, 'public');
    const j1 = await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);
    expect(j1.status).toBe(200);
    expect(j1.body).toEqual({ roomId, seq: expect.any(Number) });
    const j2 = await h.http('POST', `/api/rooms/${roomId}/join`, {}, bob.accessToken);
    expect(j2.body.seq).toBe(j1.body.seq);
    const l1 = await h.http('POST', `/api/rooms/${roomId}/leave`, undefined, bob.accessToken);
    expect(l1.status).toBe(200);
    expect(l1.body.seq).toBeGreaterThan(j1.body.seq);
    const l2 = await h.http('POST', `/api/rooms/${roomId}/leave`, undefined, bob.accessToken);
    expect(l2.status).toBe(403);
    expect(l2.body.error.code).toBe('not_member');
    const events = await h.events(Subjects.roomMeta(roomId));
    expect(events.map((e) => e.type)).toEqual(['RoomCreated', 'MemberJoined', 'MemberJoined', 'MemberLeft']);
    expect(events[3].data).toMatchObject({ userId: bob.user.id, reason: 'left', removedBy: null });
  });

  it('a private room: an outsider\'s join is 404 room_not_found, like a missing room; the owner adds and removes; a member may not add', async () => {
    const roomId = await createRoom(owner, 'private', 'secret');
    const carol = await h.register('carol');
    const join = await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);
    const missing = await h.http('POST', `/api/rooms/no-such-room/join`, undefined, bob.accessToken);
    expect(join.status).toBe(404);
    expect(join.body).toEqual(missing.body);
    expect(join.body.error.code).toBe('room_not_found');

    const add = await h.http('POST', `/api/rooms/${roomId}/members`, { userId: bob.user.id }, owner.accessToken);
    expect(add.status).toBe(200);
    const byMember = await h.http('POST', `/api/rooms/${roomId}/members`, { userId: carol.user.id }, bob.accessToken);
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.code).toBe('forbidden');
    const ghost = await h.http('POST', `/api/rooms/${roomId}/members`, { userId: 'no-such-user' }, owner.accessToken);
    expect(ghost.body.error.code).toBe('user_not_found');

    const remove = await h.http('DELETE', `/api/rooms/${roomId}/members/${bob.user.id}`, undefined, owner.accessToken);
    expect(remove.status).toBe(200);
    const events = await h.events(Subjects.roomMeta(roomId));
    expect(events.map((e) => e.type)).toEqual(['RoomCreated', 'MemberJoined', 'MemberJoined', 'MemberLeft']);
    expect(events[2].data).toMatchObject({ userId: bob.user.id, role: 'member', addedBy: owner.user.id });
    expect(events[3]).toMatchObject({ seq: remove.body.seq, data: { userId: bob.user.id, reason: 'removed', removedBy: owner.user.id } });
  });

  it('unknown room is 404 room_not_found; bad ids and bad bodies are 400 and append nothing', async () => {
    const before = await h.streamCount();
    expect((await h.http('POST', '/api/rooms/nope/join', undefined, bob.accessToken)).body.error.code).toBe('room_not_found');
    const badId = await h.http('POST', '/api/rooms/bad.id/join', undefined, bob.accessToken);
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('validation_failed');
    for (const body of [{ name: '', visibility: 'public' }, { name: 'x', visibility: 'secret' }, { name: 'x', visibility: 'public', extra: 1 }]) {
      const r = await h.http('POST', '/api/rooms', body, owner.accessToken);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect(await h.streamCount()).toBe(before);
  });

  it('many users joining one room at once through two instances all succeed, each MemberJoined exactly once (optimistic retries)', async () => {
    const roomId = await createRoom(owner, 'public', 'busy');
    const users = await Promise.all(Array.from({ length: 12 }, (_, i) => h.register(`joiner${i}`)));
    // One instance runs commands on one aggregate one at a time; the races are between instances.
    const other = await h.secondInstance();
    const results = await Promise.all(users.map((u, i) => (i % 2 ? h.http : other.http)('POST', `/api/rooms/${roomId}/join`, undefined, u.accessToken)));
    expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
    const joined = (await h.events(Subjects.roomMeta(roomId))).filter((e) => e.type === 'MemberJoined').map((e) => (e.data as { userId: string }).userId);
    expect(joined.sort()).toEqual([owner.user.id, ...users.map((u) => u.user.id)].sort());
    // every answer names the seq of that user's own MemberJoined
    const events = await h.events(Subjects.roomMeta(roomId));
    for (const [i, r] of results.entries()) {
      expect(events.find((e) => e.seq === r.body.seq)?.data).toMatchObject({ userId: users[i].user.id });
    }
    const metrics = [(await h.http('GET', '/metrics')).body as string, (await other.http('GET', '/metrics')).body as string];
    // No race was exhausted into a 409. (Whether a race happened at all is up to timing; the append race
    // itself is proven deterministically in cluster.test.ts and aggregates.spec.ts.)
    for (const m of metrics) expect(m).toContain('natter_append_conflicts_exhausted_total 0');
  });
});

describe('rooms over NATS (natter.cmd.*, queue group command-api)', () => {
  it('CreateRoom / JoinRoom / LeaveRoom reply RpcReply with the same result shape as HTTP', async () => {
    const created = await h.rpc('CreateRoom', { userId: owner.user.id, sessionId: sessionOf(owner) }, { name: 'via-nats', visibility: 'public' });
    expect(created).toMatchObject({ ok: true, result: { roomId: expect.any(String), seq: expect.any(Number), room: { name: 'via-nats', memberCount: 1 } } });
    const roomId = (created as { result: { roomId: string } }).result.roomId;
    const joined = await h.rpc('JoinRoom', { userId: bob.user.id, sessionId: sessionOf(bob) }, { roomId });
    expect(joined).toEqual({ ok: true, result: { roomId, seq: expect.any(Number) } });
    // HTTP join of the same member now gives the same answer (already a member: current seq)
    const viaHttp = await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);
    expect(viaHttp.body).toEqual((joined as { result: unknown }).result);
    const left = await h.rpc('LeaveRoom', { userId: bob.user.id, sessionId: sessionOf(bob) }, { roomId });
    expect(left).toMatchObject({ ok: true });
    const again = await h.rpc('LeaveRoom', { userId: bob.user.id, sessionId: sessionOf(bob) }, { roomId });
    expect(again).toEqual({ ok: false, error: { code: 'not_member', message: expect.any(String) } });
  });

  it('bad input over NATS is validation_failed and appends nothing; a revoked session is refused', async () => {
    const before = await h.streamCount();
    const bad = await h.rpc('CreateRoom', { userId: owner.user.id, sessionId: sessionOf(owner) }, { name: 'x', visibility: 'nope' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await h.streamCount()).toBe(before);
    const dave = await h.register('dave');
    await h.http('POST', '/api/auth/logout', undefined, dave.accessToken);
    const r = await h.rpc('CreateRoom', { userId: dave.user.id, sessionId: sessionOf(dave) }, { name: 'x', visibility: 'public' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

/** The session id is the access token's `sid` claim. */
function sessionOf(t: AuthTokens): string {
  return JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sid;
}
