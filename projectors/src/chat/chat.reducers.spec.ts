import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '@natter/contracts';
import { add, max, set } from '../runtime/change-set';
import { reduce } from '../runtime/reduced-projection';
import { chatReducers } from './chat.projection';
import { chatTables } from './chat.tables';

let seq = 0;
const at = '2026-01-02T03:04:05.000Z';
const e = (type: StoredEvent['type'], data: object): StoredEvent =>
  ({ seq: ++seq, subject: 'ev.x', id: `e${seq}`, type, v: 1, at, actor: null, data }) as StoredEvent;
const fold = (events: StoredEvent[]) => reduce(chatTables, chatReducers, events).tables;
const patches = (t: ReturnType<typeof fold>, table: string) =>
  Object.fromEntries([...t.get(table)!.patches].map(([k, p]) => [k, Object.fromEntries(p.columns)]));

describe('chat reducers', () => {
  it('fold membership to the final state per member and count every join and leave', () => {
    seq = 0;
    const t = fold([
      e('RoomCreated', { roomId: 'r', name: 'n', topic: '', visibility: 'public', createdBy: 'u1' }),
      e('MemberJoined', { roomId: 'r', userId: 'u1', role: 'owner', addedBy: null }),
      e('MemberJoined', { roomId: 'r', userId: 'u2', role: 'member', addedBy: null }),
      e('MemberLeft', { roomId: 'r', userId: 'u2', reason: 'left', removedBy: null }),
      e('MemberLeft', { roomId: 'r', userId: 'u3', reason: 'removed', removedBy: 'u1' }),
      e('MemberJoined', { roomId: 'r', userId: 'u3', role: 'admin', addedBy: 'u1' }),
      e('SessionRevoked', { userId: 'u1', sessionId: 's', reason: 'logout' }),
    ]);
    expect(t.get('rooms')!.inserts.get('r')).toMatchObject({ created_seq: 1, last_seq: 1, created_at: at });
    expect(patches(t, 'rooms')).toEqual({ r: { last_seq: max(6), member_count: add(1) } });
    expect([...t.get('room_members')!.puts.values()]).toEqual([
      { room_id: 'r', user_id: 'u1', role: 'owner', joined_seq: 2 },
      { room_id: 'r', user_id: 'u3', role: 'admin', joined_seq: 6 },
    ]);
    expect([...t.get('room_members')!.deletes.values()]).toEqual([{ room_id: 'r', user_id: 'u2' }]);
  });

  it('keep the first registration, merge profile changes, and never let U+0000 reach Postgres', () => {
    seq = 10;
    const t = fold([
      e('UserRegistered', { userId: 'u1', username: 'Al\u0000ice', displayName: 'A', email: 'a@x' }),
      e('UserRegistered', { userId: 'u1', username: 'Other', displayName: 'O', email: 'o@x' }),
      e('ProfileUpdated', { userId: 'u1', displayName: 'B' }),
      e('UserDeactivated', { userId: 'u1' }),
      e('MessageSent', { roomId: 'r', messageId: 'm', senderId: 'u1', clientMsgId: 'c', text: 'x\u0000y' }),
    ]);
    expect(t.get('users')!.inserts.get('u1')).toMatchObject({ username: 'Al\uFFFDice', username_lower: 'al\uFFFDice', registered_seq: 11 });
    expect(patches(t, 'users')).toEqual({ u1: { display_name: set('B'), deactivated: set(true), updated_seq: max(14) } });
    expect([...t.get('messages')!.inserts.values()][0]).toMatchObject({ seq: 15, text: 'x\uFFFDy', sent_at: at });
    expect(patches(t, 'rooms')).toEqual({ r: { last_seq: max(15) } });
  });

  it('a new address is unverified until verified; the last of EmailChanged and EmailVerified wins within a batch', () => {
    seq = 20;
    const verifiedThenChanged = fold([
      e('EmailVerified', { userId: 'u1', email: 'a@x' }),
      e('EmailChanged', { userId: 'u1', email: 'b@x' }),
    ]);
    expect(patches(verifiedThenChanged, 'users')).toEqual({ u1: { email: set('b@x'), email_verified: set(false), updated_seq: max(22) } });
    const changedThenVerified = fold([
      e('EmailChanged', { userId: 'u1', email: 'c@x' }),
      e('EmailVerified', { userId: 'u1', email: 'c@x' }),
    ]);
    expect(patches(changedThenVerified, 'users')).toEqual({ u1: { email: set('c@x'), email_verified: set(true), updated_seq: max(24) } });
  });
});
