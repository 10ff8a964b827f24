import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '@natter/contracts';
import { addEvent, emptyChatBatch } from './chat-batch';

let seq = 0;
const at = '2026-01-02T03:04:05.000Z';
const e = (type: StoredEvent['type'], data: object): StoredEvent =>
  ({ seq: ++seq, subject: 'ev.x', id: `e${seq}`, type, v: 1, at, actor: null, data }) as StoredEvent;

describe('chat batch reduction', () => {
  it('folds membership changes to the final state per member and counts every join and leave', () => {
    seq = 0;
    const b = emptyChatBatch();
    for (const x of [
      e('RoomCreated', { roomId: 'r', name: 'n', topic: '', visibility: 'public', createdBy: 'u1' }),
      e('MemberJoined', { roomId: 'r', userId: 'u1', role: 'owner', addedBy: null }),
      e('MemberJoined', { roomId: 'r', userId: 'u2', role: 'member', addedBy: null }),
      e('MemberLeft', { roomId: 'r', userId: 'u2', reason: 'left', removedBy: null }),
      e('MemberLeft', { roomId: 'r', userId: 'u3', reason: 'removed', removedBy: 'u1' }),
      e('MemberJoined', { roomId: 'r', userId: 'u3', role: 'admin', addedBy: 'u1' }),
      e('SessionRevoked', { userId: 'u1', sessionId: 's', reason: 'logout' }),
    ]) addEvent(b, x);
    expect(b.roomInserts.get('r')).toMatchObject({ created_seq: 1, last_seq: 1, created_at: at });
    expect(b.roomUpdates.get('r')).toEqual({ memberDelta: 1, lastSeq: 6 });
    expect([...b.members]).toEqual([
      ['r u1', { room_id: 'r', user_id: 'u1', role: 'owner', joined_seq: 2 }],
      ['r u2', null],
      ['r u3', { room_id: 'r', user_id: 'u3', role: 'admin', joined_seq: 6 }],
    ]);
  });

  it('keeps the first registration, merges profile changes, and never lets U+0000 reach Postgres', () => {
    seq = 10;
    const b = emptyChatBatch();
    addEvent(b, e('UserRegistered', { userId: 'u1', username: 'Al\u0000ice', displayName: 'A', email: 'a@x' }));
    addEvent(b, e('UserRegistered', { userId: 'u1', username: 'Other', displayName: 'O', email: 'o@x' }));
    addEvent(b, e('ProfileUpdated', { userId: 'u1', displayName: 'B' }));
    addEvent(b, e('UserDeactivated', { userId: 'u1' }));
    addEvent(b, e('MessageSent', { roomId: 'r', messageId: 'm', senderId: 'u1', clientMsgId: 'c', text: 'x\u0000y' }));
    expect(b.userInserts.get('u1')).toMatchObject({ username: 'Al\uFFFDice', username_lower: 'al\uFFFDice', registered_seq: 11 });
    expect(b.userUpdates.get('u1')).toEqual({ display_name: 'B', deactivated: true, updated_seq: 14 });
    expect(b.messages[0]).toMatchObject({ seq: 15, text: 'x\uFFFDy', sent_at: at });
    expect(b.roomUpdates.get('r')).toEqual({ memberDelta: 0, lastSeq: 15 });
  });
});
