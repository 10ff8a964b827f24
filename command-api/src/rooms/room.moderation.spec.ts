import { describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '@natter/contracts';
import { decideAddMember, decideCreate, decideJoin, decideLeave, decideRemoveMember, decideSend, RoomAggregate, type RoomState } from './room.aggregate';
import { decideRedeemInvite, decideCreateInvite, decideRevokeInvite } from './room.invites';
import { decideBan, decideChangeRole, decideTransferOwnership, decideUnban } from './room.moderation';
import { decideArchive, decideDelete, decideUnarchive, decideUpdateRoom } from './room.settings';
import { decideStartDm } from '../dms/dm.deciders';

let seq = 100;
function apply(s: RoomState, events: NewEvent[]): RoomState {
  return events.reduce(
    (acc, e) => RoomAggregate.evolve(acc, { ...e, seq: ++seq, subject: 'ev.room.r1.meta', id: `e${seq}`, v: 1, at: '2026-01-01T00:00:00.000Z', actor: null } as StoredEvent),
    s,
  );
}
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

/** A private room with an owner, an admin, a moderator and two members. */
function staffed(): RoomState {
  let s = apply(RoomAggregate.initial(), decideCreate(RoomAggregate.initial(), { roomId: 'r1', name: 'Room', topic: '', visibility: 'public', actor: 'owner' }));
  for (const u of ['adm', 'mod', 'mem', 'mem2']) s = apply(s, decideAddMember(s, 'owner', u, true));
  s = apply(s, decideChangeRole(s, 'owner', 'adm', 'admin'));
  s = apply(s, decideChangeRole(s, 'owner', 'mod', 'moderator'));
  return s;
}

describe('roles', () => {
  it('the owner gives any role below owner; an admin only moderator/member to lower roles; nobody else', () => {
    const s = staffed();
    expect(s.members).toEqual({ owner: 'owner', adm: 'admin', mod: 'moderator', mem: 'member', mem2: 'member' });
    expect(decideChangeRole(s, 'adm', 'mem', 'moderator')).toEqual([{ type: 'MemberRoleChanged', data: { roomId: 'r1', userId: 'mem', role: 'moderator', changedBy: 'adm' } }]);
    expect(code(() => decideChangeRole(s, 'adm', 'mem', 'admin'))).toBe('forbidden');
    expect(code(() => decideChangeRole(s, 'adm', 'owner', 'member'))).toBe('forbidden');
    expect(code(() => decideChangeRole(s, 'mod', 'mem', 'moderator'))).toBe('forbidden');
    expect(code(() => decideChangeRole(s, 'outsider', 'mem', 'moderator'))).toBe('not_member');
    expect(code(() => decideChangeRole(s, 'owner', 'owner', 'admin'))).toBe('forbidden');
    expect(decideChangeRole(s, 'owner', 'mem', 'member')).toEqual([]);
  });

  it('ownership moves to a member in one event; the old owner becomes an admin; always exactly one owner', () => {
    const s = staffed();
    expect(code(() => decideTransferOwnership(s, 'adm', 'mem'))).toBe('forbidden');
    expect(code(() => decideTransferOwnership(s, 'owner', 'outsider'))).toBe('not_member');
    const after = apply(s, decideTransferOwnership(s, 'owner', 'mem'));
    expect(after.members.mem).toBe('owner');
    expect(after.members.owner).toBe('admin');
    expect(Object.values(after.members).filter((r) => r === 'owner')).toHaveLength(1);
    // the owner cannot leave: a room always has an owner
    expect(code(() => decideLeave(after, 'mem'))).toBe('forbidden');
    expect(decideLeave(after, 'owner')).toHaveLength(1);
  });
});

describe('kick and ban', () => {
  it('moderators kick and ban members only; admins also moderators; the owner anyone but themself', () => {
    const s = staffed();
    expect(decideRemoveMember(s, 'mod', 'mem')).toHaveLength(1);
    expect(code(() => decideRemoveMember(s, 'mod', 'adm'))).toBe('forbidden');
    expect(code(() => decideRemoveMember(s, 'mem', 'mem2'))).toBe('forbidden');
    expect(code(() => decideBan(s, 'mod', 'mod', true, ''))).toBe('forbidden');
    expect(code(() => decideBan(s, 'mod', 'adm', true, ''))).toBe('forbidden');
    expect(code(() => decideBan(s, 'adm', 'owner', true, ''))).toBe('forbidden');
    expect(code(() => decideBan(s, 'mem', 'mem2', true, ''))).toBe('forbidden');
    expect(code(() => decideBan(s, 'mod', 'ghost', false, ''))).toBe('user_not_found');
    expect(decideBan(s, 'adm', 'mod', true, 'spam')).toEqual([{ type: 'MemberBanned', data: { roomId: 'r1', userId: 'mod', bannedBy: 'adm', wasMember: true, reason: 'spam' } }]);
  });

  it('a banned member is out, cannot join, be added or use an invite until unbanned; an outsider can be banned too', () => {
    let s = staffed();
    s = apply(s, decideBan(s, 'mod', 'mem', true, ''));
    expect(s.members.mem).toBeUndefined();
    expect(decideBan(s, 'mod', 'mem', true, '')).toEqual([]);
    expect(code(() => decideJoin(s, 'mem'))).toBe('banned');
    expect(code(() => decideAddMember(s, 'owner', 'mem', true))).toBe('banned');
    s = apply(s, decideCreateInvite(s, 'adm', { inviteId: 'i1', expiresAt: '2999-01-01T00:00:00.000Z', maxUses: null }));
    expect(code(() => decideRedeemInvite(s, 'mem', 'i1', new Date('2026-01-02')))).toBe('banned');
    expect(code(() => decideSend(s, { actor: 'mem', messageId: 'm', clientMsgId: 'c', text: 't' }))).toBe('not_member');
    const outsider = decideBan(s, 'mod', 'stranger', true, '');
    expect(outsider[0]).toMatchObject({ data: { wasMember: false } });
    s = apply(s, decideUnban(s, 'mod', 'mem'));
    expect(decideUnban(s, 'mod', 'mem')).toEqual([]);
    expect(decideJoin(s, 'mem')).toHaveLength(1);
  });
});

describe('settings', () => {
  it('rename/topic by owner and admins, only what changes; archive makes the room read-only; delete by the owner', () => {
    let s = staffed();
    expect(code(() => decideUpdateRoom(s, 'mod', { name: 'x' }))).toBe('forbidden');
    expect(decideUpdateRoom(s, 'adm', { name: 'Room', topic: 'new' })).toEqual([{ type: 'RoomUpdated', data: { roomId: 'r1', topic: 'new' } }]);
    expect(decideUpdateRoom(s, 'adm', { name: 'Room' })).toEqual([]);
    expect(code(() => decideArchive(s, 'mod', false))).toBe('forbidden');
    s = apply(s, decideArchive(s, 'adm', false));
    expect(decideArchive(s, 'adm', false)).toEqual([]);
    expect(code(() => decideSend(s, { actor: 'mem', messageId: 'm', clientMsgId: 'c', text: 't' }))).toBe('room_archived');
    expect(code(() => decideUpdateRoom(s, 'adm', { name: 'y' }))).toBe('room_archived');
    s = apply(s, decideUnarchive(s, 'stranger', true)); // a server admin
    expect(decideSend(s, { actor: 'mem', messageId: 'm', clientMsgId: 'c', text: 't' }).type).toBe('MessageSent');
    expect(code(() => decideDelete(s, 'adm', false))).toBe('forbidden');
    s = apply(s, decideDelete(s, 'owner', false));
    for (const f of [() => decideJoin(s, 'mem'), () => decideSend(s, { actor: 'mem', messageId: 'm', clientMsgId: 'c', text: 't' }), () => decideDelete(s, 'owner', false)]) {
      expect(code(f)).toBe('room_not_found');
    }
  });
});

describe('invites', () => {
  it('owner/admin create and revoke; an invite stops at its expiry, its use limit or its revocation', () => {
    let s = staffed();
    expect(code(() => decideCreateInvite(s, 'mod', { inviteId: 'i1', expiresAt: '2026-01-02T00:00:00.000Z', maxUses: 1 }))).toBe('forbidden');
    s = apply(s, decideCreateInvite(s, 'adm', { inviteId: 'i1', expiresAt: '2026-01-02T00:00:00.000Z', maxUses: 1 }));
    const before = new Date('2026-01-01T12:00:00.000Z');
    expect(code(() => decideRedeemInvite(s, 'new1', 'i1', new Date('2026-01-02T00:00:00.000Z')))).toBe('invite_invalid');
    s = apply(s, decideRedeemInvite(s, 'new1', 'i1', before));
    expect(s.members.new1).toBe('member');
    expect(s.invites.i1.uses).toBe(1);
    expect(decideRedeemInvite(s, 'new1', 'i1', before)).toEqual([]); // already in: no use
    expect(code(() => decideRedeemInvite(s, 'new2', 'i1', before))).toBe('invite_invalid'); // used up
    s = apply(s, decideCreateInvite(s, 'owner', { inviteId: 'i2', expiresAt: '2026-01-02T00:00:00.000Z', maxUses: null }));
    s = apply(s, decideRevokeInvite(s, 'owner', 'i2'));
    expect(code(() => decideRedeemInvite(s, 'new2', 'i2', before))).toBe('invite_invalid');
    expect(code(() => decideRevokeInvite(s, 'owner', 'nope'))).toBe('not_found');
  });
});

describe('direct messages', () => {
  it('created once with a join per person; later messages append nothing; a cut-short creation is completed; fixed membership', () => {
    const events = decideStartDm(RoomAggregate.initial(), { roomId: 'd1', memberIds: ['a', 'b'], actor: 'a' });
    expect(events.map((e) => e.type)).toEqual(['DirectMessageStarted', 'MemberJoined', 'MemberJoined']);
    const s = apply(RoomAggregate.initial(), events);
    expect(s).toMatchObject({ kind: 'dm', visibility: 'private', members: { a: 'member', b: 'member' } });
    expect(decideStartDm(s, { roomId: 'd1', memberIds: ['a', 'b'], actor: 'b' })).toEqual([]);
    const partial = apply(RoomAggregate.initial(), events.slice(0, 2));
    expect(decideStartDm(partial, { roomId: 'd1', memberIds: ['a', 'b'], actor: 'b' })).toEqual([events[2]].map((e) => ({ ...e, data: { ...e.data, addedBy: 'b' } })));
    for (const f of [() => decideLeave(s, 'a'), () => decideAddMember(s, 'a', 'c', true), () => decideBan(s, 'a', 'b', true, '')]) {
      expect(code(f)).toBe('forbidden');
    }
    // to an outsider a DM is a private room: it does not exist for them
    expect(code(() => decideJoin(s, 'c'))).toBe('room_not_found');
  });
});
