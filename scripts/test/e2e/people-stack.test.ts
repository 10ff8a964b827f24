import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@natter/contracts';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { relaxedRateLimits } from '../support/limits';
import { TestUser, type TestSocket } from '../support/client';
import { synced } from '../support/people';

/**
 * People on the real stack with two edge processes: a ban (and a room delete) takes effect on open sockets at
 * once, a deactivation closes the user's sockets on both edges within a second, the directory finds people
 * ignoring case and accents, profiles show presence and last seen, and the admin panel's status and rebuild.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let admin: TestUser;
const edgeWs = (i: number) => `ws://127.0.0.1:${stack.edges[i].port}/ws`;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-people-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 2, env: { ...relaxedRateLimits }, log: pino({ level: 'silent' }) });
  base = stack.gatewayUrl!;
  admin = await TestUser.register(base, 'root');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const events = (s: TestSocket, roomId: string) => s.events(roomId).map((f) => ({ seq: f.seq, type: f.event.type, data: f.event.data as Record<string, unknown> }));
const texts = (s: TestSocket, roomId: string) => events(s, roomId).filter((e) => e.type === 'MessageSent').map((e) => e.data.text);

describe('moderation on open sockets', () => {
  it('a banned member gets the MemberBanned event and nothing of the room after it, on every socket; the others go on; they cannot come back', async () => {
    const [owner, mod, victim] = await Promise.all([TestUser.register(base, 'owner'), TestUser.register(base, 'mod'), TestUser.register(base, 'victim')]);
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'watched', visibility: 'public' })).body.roomId as string;
    for (const x of [mod, victim]) expect((await x.call('POST', `/api/rooms/${roomId}/join`)).status).toBe(200);
    expect((await owner.call('PATCH', `/api/rooms/${roomId}/members/${mod.id}`, { role: 'moderator' })).status).toBe(200);
    // the victim on both edges, the owner on one
    const [v1, v2, o1, m2] = await Promise.all([synced(victim, edgeWs(0)), synced(victim, edgeWs(1)), synced(owner, edgeWs(0)), synced(mod, edgeWs(1))]);
    for (const s of [v1, v2, o1, m2]) expect(roomId in s.rooms).toBe(true);
    await owner.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'before', text: 'before the ban' });
    for (const s of [v1.socket, v2.socket]) await s.until('message before the ban', () => texts(s, roomId).includes('before the ban'));

    const ban = await mod.call('POST', `/api/rooms/${roomId}/bans`, { userId: victim.id, reason: 'trolling' });
    expect(ban.status).toBe(200);
    for (const s of [v1.socket, v2.socket]) {
      await s.until('MemberBanned', () => events(s, roomId).some((e) => e.type === 'MemberBanned' && e.seq === ban.body.seq));
    }
    await owner.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'after', text: 'after the ban' });
    // Members on both edges got the message after the ban (so it was delivered there); the victim's sockets never do.
    for (const s of [o1.socket, m2.socket]) await s.until('message after the ban', () => texts(s, roomId).includes('after the ban'));
    for (const s of [v1.socket, v2.socket]) {
      expect(texts(s, roomId)).toEqual(['before the ban']);
      expect(events(s, roomId).at(-1)?.type).toBe('MemberBanned');
    }
    // ... nor does a new socket, nor can they rejoin
    const again = await synced(victim, edgeWs(1));
    expect(roomId in again.rooms).toBe(false);
    const rejoin = await victim.call('POST', `/api/rooms/${roomId}/join`);
    expect([rejoin.status, rejoin.body.error.code]).toEqual([403, 'banned']);
    const history = await victim.call('GET', `/api/rooms/${roomId}/messages`);
    expect(history.status).toBe(403);
    for (const s of [v1.socket, v2.socket, o1.socket, m2.socket, again.socket]) await s.close();
  });

  it('deleting a room stops its delivery to every member at the RoomDeleted event', async () => {
    const [owner, member] = await Promise.all([TestUser.register(base, 'deleter'), TestUser.register(base, 'bystander')]);
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'short lived', visibility: 'private' })).body.roomId as string;
    expect((await owner.call('POST', `/api/rooms/${roomId}/members`, { userId: member.id })).status).toBe(200);
    const [o, m] = await Promise.all([synced(owner, edgeWs(0)), synced(member, edgeWs(1))]);
    const del = await owner.call('DELETE', `/api/rooms/${roomId}`);
    expect(del.status).toBe(200);
    for (const s of [o.socket, m.socket]) await s.until('RoomDeleted', () => events(s, roomId).some((e) => e.type === 'RoomDeleted'));
    expect((await owner.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'x', text: 'anyone?' })).body.error.code).toBe('room_not_found');
    expect((await member.call('GET', `/api/rooms/${roomId}?minSeq=${del.body.seq}`)).status).toBe(404);
    for (const s of [o.socket, m.socket]) await s.close();
  });
});

describe('server administration on open sockets', () => {
  it('deactivating a user closes their sockets on both edges within a second (4103); new ones are refused', async () => {
    const victim = await TestUser.register(base, 'deactivatee');
    const [a, b] = await Promise.all([synced(victim, edgeWs(0)), synced(victim, edgeWs(1))]);
    const t0 = Date.now();
    const r = await admin.call('POST', `/api/admin/users/${victim.id}/deactivate`);
    expect(r.status).toBe(200);
    for (const s of [a.socket, b.socket]) await s.until('close 4103', () => s.closeCode === CloseCode.UserDeactivated, 1000);
    expect(Date.now() - t0).toBeLessThan(1500); // the answer and both closes (the closes themselves within 1 s of it)
    await expect(victim.connect(edgeWs(0))).rejects.toThrow(/403/);
    expect((await victim.call('GET', '/api/me')).body.error.code).toBe('user_deactivated');
  });

  it('force logout closes the sessions sockets (4102)', async () => {
    const u = await TestUser.register(base, 'kickedout');
    const a = await synced(u, edgeWs(1));
    expect((await admin.call('POST', `/api/admin/users/${u.id}/logout`)).status).toBe(200);
    await a.socket.until('close 4102', () => a.socket.closeCode === CloseCode.SessionRevoked, 2000);
  });
});

describe('people', () => {
  it('the directory finds people by username or display-name words, ignoring case and accents, and not the deactivated', async () => {
    const zoe = await TestUser.register(base, 'zoe');
    const ang = await TestUser.register(base, 'ang');
    await zoe.call('PATCH', '/api/me', { displayName: 'Zoë Ångström', statusText: 'in the lab' });
    const last = await ang.call('PATCH', '/api/me', { displayName: 'Anders Ångel' });
    const search = async (q: string) =>
      ((await admin.call('GET', `/api/users?q=${encodeURIComponent(q)}&minSeq=${last.body.seq}`)).body.items as { id: string; statusText: string }[]).map((x) => x.id);
    expect(await search('zoe')).toContain(zoe.id);
    expect(await search('ZOË')).toContain(zoe.id);
    expect(await search('angs')).toEqual([zoe.id]);
    expect((await search('ång')).sort()).toEqual([ang.id, zoe.id].sort());
    expect(await search('zo ang')).toEqual([zoe.id]);
    expect(await search('nobody-like-this')).toEqual([]);
    const off = await admin.call('POST', `/api/admin/users/${ang.id}/deactivate`);
    const after = (await admin.call('GET', `/api/users?q=ang&minSeq=${off.body.seq}`)).body.items as { id: string }[];
    expect(after.map((x) => x.id)).not.toContain(ang.id);
    const adminView = (await admin.call('GET', `/api/admin/users?q=ang&minSeq=${off.body.seq}`)).body.items as { id: string; deactivated: boolean }[];
    expect(adminView.find((x) => x.id === ang.id)).toMatchObject({ deactivated: true });
  });

  it('a profile shows bio, status, online while connected, and last seen after the last socket closes', async () => {
    const p = await TestUser.register(base, 'seen');
    const upd = await p.call('PATCH', '/api/me', { bio: 'I test things', statusText: 'busy' });
    const s = await synced(p, edgeWs(0));
    await waitFor('online', async () => (await admin.call('GET', `/api/users/${p.id}?minSeq=${upd.body.seq}`)).body.user.online === true);
    const closedAt = Date.now();
    await s.socket.close();
    await waitFor('offline with last seen', async () => {
      const r = (await admin.call('GET', `/api/users/${p.id}`)).body.user;
      return r.online === false && r.lastSeenAt !== null;
    });
    const prof = (await admin.call('GET', `/api/users/${p.id}`)).body.user;
    expect(prof).toMatchObject({ bio: 'I test things', statusText: 'busy', deactivated: false });
    expect(Math.abs(Date.parse(prof.lastSeenAt) - closedAt)).toBeLessThan(5000);
  });
});

describe('the admin panel API', () => {
  it('system status names every service instance, the sockets per edge, the projector lag, the stream and the buckets', async () => {
    const u = await TestUser.register(base, 'statususer');
    const s = await synced(u, edgeWs(1));
    const st = (await admin.call('GET', '/api/admin/status')).body;
    expect(st.services.map((x: { service: string }) => x.service).sort()).toEqual(['command-api', 'projectors', 'query-api', 'realtime-edge', 'realtime-edge']);
    const edges = st.services.filter((x: { service: string }) => x.service === 'realtime-edge');
    expect(edges.map((e: { instance: string }) => e.instance).sort()).toEqual(['edge-1', 'edge-2']);
    expect(edges.find((e: { instance: string }) => e.instance === 'edge-2').details.connections).toBeGreaterThanOrEqual(1);
    expect(st.services.every((x: { ok: boolean }) => x.ok)).toBe(true);
    expect(st.stream).toMatchObject({ name: 'NATTER_EVENTS', lastSeq: expect.any(Number) });
    expect(st.projection.lag).toBe(st.stream.lastSeq - st.projection.checkpoint);
    expect(st.buckets.map((b: { name: string }) => b.name)).toEqual(expect.arrayContaining(['natter_unique', 'natter_presence', 'natter_revoked', 'natter_last_seen']));
    await s.socket.close();
  });

  it('the rebuild button rebuilds the read model while it serves, reports its progress, and the reads stay right', async () => {
    const before = (await admin.call('GET', '/api/admin/status')).body.projection.schema as string;
    const started = await admin.call('POST', '/api/admin/read-model/rebuild');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running' });
    const second = await admin.call('POST', '/api/admin/read-model/rebuild');
    expect(second.status === 409 || second.body.state === 'done').toBe(true);
    const phases = new Set<string>();
    await waitFor('rebuild done', async () => {
      const st = (await admin.call('GET', '/api/admin/status')).body;
      if (st.rebuild.phase) phases.add(st.rebuild.phase);
      if (st.rebuild.state === 'failed') throw new Error(st.rebuild.error);
      return st.rebuild.state === 'done';
    }, 60_000, 100);
    const st = (await admin.call('GET', '/api/admin/status')).body;
    expect(st.rebuild).toMatchObject({ state: 'done', phase: 'finished', target: expect.any(Number), seq: st.rebuild.target });
    expect(st.projection.schema).not.toBe(before);
    expect(phases.has('finished')).toBe(true);
    // reads come from the new schema, and are complete
    const audit = (await admin.call('GET', '/api/admin/audit?type=MemberBanned')).body;
    expect(audit.items.length).toBeGreaterThanOrEqual(1);
    expect(audit.items[0]).toMatchObject({ type: 'MemberBanned', data: { reason: 'trolling' } });
  });
});

