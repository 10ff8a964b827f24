import { describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '@natter/contracts';
import { decideAddMember, decideCreate, decideJoin, decideLeave, decideRemoveMember, decideSend, decideUpdateSettings, RoomAggregate, type RoomState } from './room.aggregate';

/** Fold decided events into state, as the stream would after appending them. */
function apply(s: RoomState, events: NewEvent[]): RoomState {
  let seq = 100;
  return events.reduce(
    (acc, e) => RoomAggregate.evolve(acc, { ...e, seq: ++seq, subject: 'ev.room.r1.meta', id: `e${seq}`, v: 1, at: '2026-01-01T00:00:00.000Z', actor: null } as StoredEvent),
    s,
  );
}

function room(visibility: 'public' | 'private'): RoomState {
  return apply(RoomAggregate.initial(), decideCreate(RoomAggregate.initial(), { roomId: 'r1', name: 'Room', topic: '', visibility, actor: 'owner' }));
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

describe('room deciders', () => {
  it('create makes the creator the owner', () => {
    const events = decideCreate(RoomAggregate.initial(), { roomId: 'r1', name: 'Room', topic: 't', visibility: 'public', actor: 'u1' });
    expect(events.map((e) => e.type)).toEqual(['RoomCreated', 'MemberJoined']);
    expect(apply(RoomAggregate.initial(), events).members).toEqual({ u1: 'owner' });
  });

  it('join: a public room lets anyone in; joining again appends nothing', () => {
    const s = room('public');
    const events = decideJoin(s, 'bob');
    expect(events).toEqual([{ type: 'MemberJoined', data: { roomId: 'r1', userId: 'bob', role: 'member', addedBy: null } }]);
    expect(decideJoin(apply(s, events), 'bob')).toEqual([]);
  });

  it('join: a private room is room_not_found to an outsider, exactly like a missing room', () => {
    expect(code(() => decideJoin(room('private'), 'bob'))).toBe('room_not_found');
    expect(code(() => decideJoin(RoomAggregate.initial(), 'bob'))).toBe('room_not_found');
  });

  it('every command on a private room by an outsider is room_not_found (leave, add, remove, send)', () => {
    const s = room('private');
    expect(code(() => decideLeave(s, 'mallory'))).toBe('room_not_found');
    expect(code(() => decideAddMember(s, 'mallory', 'carol', true))).toBe('room_not_found');
    expect(code(() => decideRemoveMember(s, 'mallory', 'owner'))).toBe('room_not_found');
    expect(code(() => decideSend(s, { actor: 'mallory', messageId: 'm', clientMsgId: 'c', text: 'x' }))).toBe('room_not_found');
  });

  it('leave: members leave; non-members get not_member', () => {
    const s = apply(room('public'), decideJoin(room('public'), 'bob'));
    const left = apply(s, decideLeave(s, 'bob'));
    expect(left.members).toEqual({ owner: 'owner' });
    expect(code(() => decideLeave(left, 'bob'))).toBe('not_member');
  });

  it('add member: owner only (members are forbidden, outsiders of a public room not_member), unknown users user_not_found', () => {
    const s = room('private');
    const added = decideAddMember(s, 'owner', 'bob', true);
    expect(added).toEqual([{ type: 'MemberJoined', data: { roomId: 'r1', userId: 'bob', role: 'member', addedBy: 'owner' } }]);
    const withBob = apply(s, added);
    expect(decideAddMember(withBob, 'owner', 'bob', true)).toEqual([]);
    expect(code(() => decideAddMember(withBob, 'bob', 'carol', true))).toBe('forbidden');
    expect(code(() => decideAddMember(withBob, 'mallory', 'carol', true))).toBe('room_not_found');
    expect(code(() => decideAddMember(room('public'), 'mallory', 'carol', true))).toBe('not_member');
    expect(code(() => decideAddMember(withBob, 'owner', 'ghost', false))).toBe('user_not_found');
  });

  it('remove member: owner removes a member; a member cannot remove; the owner cannot be removed', () => {
    const s = apply(room('private'), decideAddMember(room('private'), 'owner', 'bob', true));
    const withCarol = apply(s, decideAddMember(s, 'owner', 'carol', true));
    expect(code(() => decideRemoveMember(withCarol, 'bob', 'carol'))).toBe('forbidden');
    expect(code(() => decideRemoveMember(withCarol, 'bob', 'owner'))).toBe('forbidden');
    const removed = decideRemoveMember(withCarol, 'owner', 'bob');
    expect(removed).toEqual([{ type: 'MemberLeft', data: { roomId: 'r1', userId: 'bob', reason: 'removed', removedBy: 'owner' } }]);
    expect(code(() => decideRemoveMember(apply(withCarol, removed), 'owner', 'bob'))).toBe('not_member');
  });

  it('send: members only, into the room of the state decided on', () => {
    const send = (s: RoomState, actor: string) => decideSend(s, { actor, messageId: 'm1', clientMsgId: 'c1', text: 'hi' });
    expect(code(() => send(RoomAggregate.initial(), 'owner'))).toBe('room_not_found');
    const s = room('public');
    expect(code(() => send(s, 'stranger'))).toBe('not_member');
    expect(send(s, 'owner')).toEqual({ type: 'MessageSent', data: { roomId: 'r1', messageId: 'm1', senderId: 'owner', clientMsgId: 'c1', text: 'hi' } });
    const left = apply(s, [...decideJoin(s, 'bob'), ...decideLeave(apply(s, decideJoin(s, 'bob')), 'bob')]);
    expect(code(() => send(left, 'bob'))).toBe('not_member');
  });

  it('message settings: owner/admin only, merged into the whole settings, nothing appended when unchanged', () => {
    const s = apply(room('public'), decideAddMember(room('public'), 'owner', 'u2', true));
    expect(s.settings).toEqual({ editWindowSeconds: null, anyoneCanPin: false });
    expect(code(() => decideUpdateSettings(s, 'u2', { anyoneCanPin: true }))).toBe('forbidden');
    const events = decideUpdateSettings(s, 'owner', { editWindowSeconds: 300 });
    expect(events).toEqual([{ type: 'RoomSettingsUpdated', data: { roomId: 'r1', editWindowSeconds: 300, anyoneCanPin: false } }]);
    const after = apply(s, events);
    expect(after.settings).toEqual({ editWindowSeconds: 300, anyoneCanPin: false });
    expect(decideUpdateSettings(after, 'owner', { editWindowSeconds: 300 })).toEqual([]);
    expect(apply(after, decideUpdateSettings(after, 'owner', { editWindowSeconds: null, anyoneCanPin: true })).settings).toEqual({ editWindowSeconds: null, anyoneCanPin: true });
  });
});
