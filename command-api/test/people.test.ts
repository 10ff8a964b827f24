import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { decodeJwt } from 'jose';
import { Buckets, Subjects, type AuthTokens } from '@natter/contracts';
import { RevocationKeys } from '@natter/infra/runtime';
import { dmKey } from '../src/dms/dm-rooms';
import { startHarness, type Harness, type HttpFn } from './harness';

/**
 * Direct messages, invites, moderation and server administration against real NATS JetStream and Postgres,
 * with two command-api instances for the races.
 */
let h: Harness;
let other: { http: HttpFn };
let admin: AuthTokens;
beforeAll(async () => {
  h = await startHarness({ sendsPerSecond: 1000 });
  other = await h.secondInstance();
  admin = await h.register('root'); // the first account: server admin
}, 60_000);
afterAll(() => h?.stop());

const sidOf = (t: AuthTokens) => decodeJwt(t.accessToken).sid as string;
const revoked = async (key: string) => (await (await new Kvm(h.nc).open(Buckets.revoked)).get(key))?.operation === 'PUT';
const types = async (subject: string) => (await h.events(subject)).map((e) => e.type);

describe('direct messages', () => {
  it('two people starting the same conversation at the same moment on two instances get one room with both messages', async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b] = await Promise.all([h.register(`dma${round}`), h.register(`dmb${round}`)]);
      const [ra, rb] = await Promise.all([
        h.http('POST', '/api/dms/messages', { userIds: [b.user.id], clientMsgId: 'first', text: `hi b ${round}` }, a.accessToken),
        other.http('POST', '/api/dms/messages', { userIds: [a.user.id], clientMsgId: 'first', text: `hi a ${round}` }, b.accessToken),
      ]);
      expect([ra.status, rb.status]).toEqual([201, 201]);
      expect(ra.body.roomId).toBe(rb.body.roomId);
      const roomId = ra.body.roomId as string;
      const meta = await h.events(Subjects.roomMeta(roomId));
      expect(meta.map((e) => e.type)).toEqual(['DirectMessageStarted', 'MemberJoined', 'MemberJoined']);
      expect(meta.slice(1).map((e) => (e.data as { userId: string }).userId).sort()).toEqual([a.user.id, b.user.id].sort());
      const texts = (await h.events(Subjects.roomMsg(roomId))).map((e) => (e.data as { text: string }).text).sort();
      expect(texts).toEqual([`hi a ${round}`, `hi b ${round}`]);
      const held = await (await new Kvm(h.nc).open(Buckets.unique)).get(dmKey([a.user.id, b.user.id].sort()));
      expect(held?.string()).toBe(roomId);
    }
  });

  it('a group of three: the same room whoever writes, in any order; a retry stores nothing new; others are separate', async () => {
    const [a, b, c] = await Promise.all([h.register('grpa'), h.register('grpb'), h.register('grpc')]);
    const first = await h.http('POST', '/api/dms/messages', { userIds: [b.user.id, c.user.id], clientMsgId: 'g1', text: 'hello all' }, a.accessToken);
    const again = await other.http('POST', '/api/dms/messages', { userIds: [b.user.id, c.user.id], clientMsgId: 'g1', text: 'hello all' }, a.accessToken);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ duplicate: true, seq: first.body.seq, roomId: first.body.roomId });
    const fromC = await h.http('POST', '/api/dms/messages', { userIds: [b.user.id, a.user.id, b.user.id], clientMsgId: 'g2', text: 'hi' }, c.accessToken);
    expect(fromC.body.roomId).toBe(first.body.roomId);
    const pair = await h.http('POST', '/api/dms/messages', { userIds: [b.user.id], clientMsgId: 'p1', text: 'just us' }, a.accessToken);
    expect(pair.body.roomId).not.toBe(first.body.roomId);
    expect((await types(Subjects.roomMeta(first.body.roomId))).filter((t) => t === 'MemberJoined')).toHaveLength(3);
    // fixed membership: nobody joins, leaves or is added (to an outsider the DM does not exist at all)
    const room = first.body.roomId;
    const d = await h.register('grpd');
    for (const [http, method, path, body, t, status] of [
      [h.http, 'POST', `/api/rooms/${room}/members`, { userId: d.user.id }, a, 403],
      [h.http, 'POST', `/api/rooms/${room}/leave`, undefined, b, 403],
      [h.http, 'POST', `/api/rooms/${room}/join`, undefined, d, 404],
    ] as const) {
      const r = await http(method, path, body, t.accessToken);
      expect(r.status, path).toBe(status);
    }
  });

  it('refuses nobody-but-me, unknown and deactivated people (4xx, nothing written)', async () => {
    const a = await h.register('lonely');
    const before = await h.streamCount();
    const self = await h.http('POST', '/api/dms/messages', { userIds: [a.user.id], clientMsgId: 'x', text: 'me' }, a.accessToken);
    expect(self.status).toBe(400);
    const ghost = await h.http('POST', '/api/dms/messages', { userIds: ['no-such-user'], clientMsgId: 'x', text: 'boo' }, a.accessToken);
    expect([ghost.status, ghost.body.error.code]).toEqual([404, 'user_not_found']);
    const tooMany = await h.http('POST', '/api/dms/messages', { userIds: Array.from({ length: 8 }, (_, i) => `u${i}`), clientMsgId: 'x', text: 'crowd' }, a.accessToken);
    expect(tooMany.status).toBe(400);
    expect(await h.streamCount()).toBe(before);
  });
});

describe('invites', () => {
  it('an invite link: the code is shown once and kept only as a hash, its uses are counted, it stops when used up or revoked', async () => {
    const owner = await h.register('invowner');
    const [x, y] = await Promise.all([h.register('invx'), h.register('invy')]);
    const room = (await h.http('POST', '/api/rooms', { name: 'invited', visibility: 'private' }, owner.accessToken)).body.roomId as string;
    const created = await h.http('POST', `/api/rooms/${room}/invites`, { expiresInHours: 1, maxUses: 1 }, owner.accessToken);
    expect(created.status).toBe(201);
    const code = created.body.code as string;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const log = JSON.stringify(await h.events(Subjects.roomMeta(room)));
    expect(log).not.toContain(code);
    const stored = await h.db.selectFrom('auth.invite_codes').selectAll().where('invite_id', '=', created.body.invite.id).executeTakeFirstOrThrow();
    expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.code_hash).not.toContain(code);

    const joined = await other.http('POST', '/api/invites/redeem', { code }, x.accessToken);
    expect(joined.status).toBe(200);
    const meta = await h.events(Subjects.roomMeta(room));
    expect(meta.at(-1)).toMatchObject({ type: 'MemberJoined', data: { userId: x.user.id, inviteId: created.body.invite.id } });
    const usedUp = await h.http('POST', '/api/invites/redeem', { code }, y.accessToken);
    expect([usedUp.status, usedUp.body.error.code]).toEqual([404, 'invite_invalid']);

    const second = await h.http('POST', `/api/rooms/${room}/invites`, {}, owner.accessToken);
    expect((await h.http('DELETE', `/api/rooms/${room}/invites/${second.body.invite.id}`, undefined, owner.accessToken)).status).toBe(200);
    expect((await h.http('POST', '/api/invites/redeem', { code: second.body.code }, y.accessToken)).body.error.code).toBe('invite_invalid');
    expect((await h.http('POST', '/api/invites/redeem', { code: 'A'.repeat(43) }, y.accessToken)).body.error.code).toBe('invite_invalid');
  });
});

describe('server administration', () => {
  it('deactivation ends every session at once (KV first) and reactivation lets the user sign in again, old tokens staying dead', async () => {
    const u = await h.register('leaver', 'first password ok');
    const laptop = u;
    const phone = (await h.http('POST', '/api/auth/login', { login: 'leaver', password: 'first password ok' })).body as AuthTokens;
    const notAdmin = await h.http('POST', `/api/admin/users/${u.user.id}/deactivate`, undefined, phone.accessToken);
    expect([notAdmin.status, notAdmin.body.error.code]).toEqual([403, 'forbidden']);

    const r = await h.http('POST', `/api/admin/users/${u.user.id}/deactivate`, undefined, admin.accessToken);
    expect(r.status).toBe(200);
    expect(await revoked(RevocationKeys.user(u.user.id))).toBe(true);
    for (const t of [laptop, phone]) expect(await revoked(RevocationKeys.session(sidOf(t)))).toBe(true);
    const userEvents = await h.events(Subjects.user(u.user.id));
    expect(userEvents.slice(-3).map((e) => e.type)).toEqual(['SessionRevoked', 'SessionRevoked', 'UserDeactivated']);
    expect(userEvents.at(-1)).toMatchObject({ seq: r.body.seq, actor: admin.user.id });
    const refused = await h.http('PATCH', '/api/me', { displayName: 'x' }, phone.accessToken);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'user_deactivated']);
    expect((await h.http('POST', '/api/auth/login', { login: 'leaver', password: 'first password ok' })).body.error.code).toBe('user_deactivated');
    // a retry appends nothing
    expect((await h.http('POST', `/api/admin/users/${u.user.id}/deactivate`, undefined, admin.accessToken)).body.seq).toBe(r.body.seq);

    const back = await h.http('POST', `/api/admin/users/${u.user.id}/reactivate`, undefined, admin.accessToken);
    expect(back.status).toBe(200);
    expect(await revoked(RevocationKeys.user(u.user.id))).toBe(false);
    const again = await h.http('POST', '/api/auth/login', { login: 'leaver', password: 'first password ok' });
    expect(again.status).toBe(200);
    expect((await h.http('PATCH', '/api/me', { statusText: 'back' }, again.body.accessToken)).status).toBe(200);
    expect((await h.http('PATCH', '/api/me', { statusText: 'old' }, phone.accessToken)).status).toBe(401);
  });

  it('force logout and password reset end every session; the new password works, the old one does not; no secret in the log', async () => {
    const u = await h.register('forgetful', 'old password here');
    const out = await h.http('POST', `/api/admin/users/${u.user.id}/logout`, undefined, admin.accessToken);
    expect(out.status).toBe(200);
    expect((await h.http('POST', '/api/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    const s2 = (await h.http('POST', '/api/auth/login', { login: 'forgetful', password: 'old password here' })).body as AuthTokens;
    const reset = await h.http('POST', `/api/admin/users/${u.user.id}/password`, { password: 'brand new password' }, admin.accessToken);
    expect(reset.status).toBe(200);
    expect((await h.http('PATCH', '/api/me', { bio: 'x' }, s2.accessToken)).status).toBe(401);
    expect((await h.http('POST', '/api/auth/login', { login: 'forgetful', password: 'old password here' })).body.error.code).toBe('invalid_credentials');
    expect((await h.http('POST', '/api/auth/login', { login: 'forgetful', password: 'brand new password' })).status).toBe(200);
    const log = await h.events(Subjects.user(u.user.id));
    expect(log.map((e) => e.type)).toContain('PasswordReset');
    expect(JSON.stringify(log)).not.toContain('brand new password');
    expect(log.filter((e) => e.type === 'SessionRevoked').every((e) => (e.data as { reason: string }).reason === 'admin')).toBe(true);
  });

  it('closed registration needs an invite code, which also brings the new account into its room; admins are granted and revoked, never the last', async () => {
    const closed = await h.http('PATCH', '/api/admin/settings', { registrationOpen: false }, admin.accessToken);
    expect(closed.body).toMatchObject({ registrationOpen: false });
    try {
      const before = await h.streamCount();
      const refused = await h.http('POST', '/api/auth/register', { username: 'latecomer', email: 'late@example.test', password: 'correct horse battery', displayName: 'Late' });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'registration_closed']);
      expect(await h.streamCount()).toBe(before);
      const room = (await h.http('POST', '/api/rooms', { name: 'welcome', visibility: 'private' }, admin.accessToken)).body.roomId as string;
      const inv = await h.http('POST', `/api/rooms/${room}/invites`, { maxUses: 5 }, admin.accessToken);
      const ok = await h.http('POST', '/api/auth/register', { username: 'latecomer', email: 'late@example.test', password: 'correct horse battery', displayName: 'Late', inviteCode: inv.body.code });
      expect(ok.status).toBe(201);
      expect((await h.events(Subjects.roomMeta(room))).at(-1)).toMatchObject({ type: 'MemberJoined', data: { userId: ok.body.user.id, inviteId: inv.body.invite.id } });

      const late = ok.body as AuthTokens;
      expect((await h.http('POST', `/api/admin/users/${late.user.id}/admin`, undefined, late.accessToken)).status).toBe(403);
      expect((await h.http('POST', `/api/admin/users/${late.user.id}/admin`, undefined, admin.accessToken)).status).toBe(200);
      expect((await h.http('DELETE', `/api/admin/users/${admin.user.id}/admin`, undefined, late.accessToken)).status).toBe(200);
      // now `late` is the only admin: they cannot remove themself, and `admin` is refused everywhere admin
      expect((await h.http('DELETE', `/api/admin/users/${late.user.id}/admin`, undefined, late.accessToken)).status).toBe(403);
      expect((await h.http('PATCH', '/api/admin/settings', { registrationOpen: true }, admin.accessToken)).status).toBe(403);
      expect((await h.http('POST', `/api/admin/users/${admin.user.id}/admin`, undefined, late.accessToken)).status).toBe(200);
    } finally {
      await h.http('PATCH', '/api/admin/settings', { registrationOpen: true }, admin.accessToken);
    }
    expect((await types(Subjects.server)).slice(0, 2)).toEqual(['ServerAdminGranted', 'RegistrationChanged']);
  });

});

describe('room moderation over HTTP', () => {
  it('a ban removes the member and keeps them out; a kick does not; roles and ownership move as the owner says', async () => {
    const [owner, mod, mem, kicked] = await Promise.all([h.register('modowner'), h.register('modmod'), h.register('modmem'), h.register('modkick')]);
    const room = (await h.http('POST', '/api/rooms', { name: 'moderated', visibility: 'public' }, owner.accessToken)).body.roomId as string;
    for (const u of [mod, mem, kicked]) expect((await h.http('POST', `/api/rooms/${room}/join`, undefined, u.accessToken)).status).toBe(200);
    expect((await h.http('PATCH', `/api/rooms/${room}/members/${mod.user.id}`, { role: 'moderator' }, owner.accessToken)).status).toBe(200);
    expect((await h.http('DELETE', `/api/rooms/${room}/members/${kicked.user.id}`, undefined, mod.accessToken)).status).toBe(200);
    expect((await h.http('POST', `/api/rooms/${room}/join`, undefined, kicked.accessToken)).status).toBe(200);
    const ban = await h.http('POST', `/api/rooms/${room}/bans`, { userId: mem.user.id, reason: 'spam' }, mod.accessToken);
    expect(ban.status).toBe(200);
    const rejoin = await h.http('POST', `/api/rooms/${room}/join`, undefined, mem.accessToken);
    expect([rejoin.status, rejoin.body.error.code]).toEqual([403, 'banned']);
    const readd = await h.http('POST', `/api/rooms/${room}/members`, { userId: mem.user.id }, owner.accessToken);
    expect([readd.status, readd.body.error.code]).toEqual([403, 'banned']);
    const send = await h.http('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'c', text: 'let me in' }, mem.accessToken);
    expect([send.status, send.body.error.code]).toEqual([403, 'not_member']);
    expect((await h.http('DELETE', `/api/rooms/${room}/bans/${mem.user.id}`, undefined, mod.accessToken)).status).toBe(200);
    expect((await h.http('POST', `/api/rooms/${room}/join`, undefined, mem.accessToken)).status).toBe(200);

    expect((await h.http('POST', `/api/rooms/${room}/leave`, undefined, owner.accessToken)).status).toBe(403);
    expect((await h.http('POST', `/api/rooms/${room}/owner`, { userId: mod.user.id }, owner.accessToken)).status).toBe(200);
    expect((await h.http('POST', `/api/rooms/${room}/leave`, undefined, owner.accessToken)).status).toBe(200);
    const types_ = await types(Subjects.roomMeta(room));
    expect(types_).toEqual(expect.arrayContaining(['MemberRoleChanged', 'MemberBanned', 'MemberUnbanned', 'OwnershipTransferred']));

    expect((await h.http('POST', `/api/rooms/${room}/archive`, undefined, mod.accessToken)).status).toBe(200);
    const archivedSend = await h.http('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'd', text: 'read only?' }, mem.accessToken);
    expect([archivedSend.status, archivedSend.body.error.code]).toEqual([403, 'room_archived']);
    const del = await h.http('DELETE', `/api/rooms/${room}`, undefined, admin.accessToken); // a server admin
    expect(del.status).toBe(200);
    expect((await h.http('POST', `/api/rooms/${room}/unarchive`, undefined, mod.accessToken)).body.error.code).toBe('room_not_found');
  });
});
