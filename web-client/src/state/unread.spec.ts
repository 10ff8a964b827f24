import type { EventEnvelope, MyRoom } from '@natter/contracts/browser';
import { describe, expect, it, vi } from 'vitest';
import { UnreadStore } from './unread';

const room = (id: string, lastSeq: number, unread: MyRoom['unread']): MyRoom =>
  ({ id, name: id, topic: '', visibility: 'public', kind: 'room', archived: false, createdBy: 'x', createdAt: '', memberCount: 2, lastSeq, role: 'member', joinedSeq: 1, unread }) as MyRoom;
const sent = (roomId: string, senderId: string, mentions?: string[]): EventEnvelope => ({
  id: 'e', type: 'MessageSent', v: 1, at: '', actor: senderId,
  data: { roomId, messageId: 'm', senderId, clientMsgId: 'c', text: 't', ...(mentions ? { mentions: { userIds: mentions, room: false, here: false } } : {}) },
});
const moved = (roomId: string, seq: number): EventEnvelope => ({ id: 'r', type: 'ReadMarkersMoved', v: 1, at: '', actor: 'me', data: { userId: 'me', markers: [{ roomId, seq }] } });

describe('UnreadStore', () => {
  it('counts live messages of others after the snapshot, mentions of me, and my own send as read', () => {
    const s = new UnreadStore('me');
    s.setSnapshot([room('r', 10, { readSeq: 8, unread: 1, mentions: 0, firstUnreadSeq: 10 })], 10);
    s.onRoomEvent('r', 9, sent('r', 'bob')); // at or below asOfSeq: already counted
    s.onRoomEvent('r', 12, sent('r', 'bob', ['me']));
    s.onRoomEvent('r', 13, sent('r', 'bob'));
    expect(s.get('r')).toMatchObject({ unread: 3, mentions: 1, firstUnreadSeq: 10 });
    expect(s.totals()).toEqual({ unread: 3, mentions: 1 });
    s.onRoomEvent('r', 14, sent('r', 'me'));
    expect(s.get('r')).toMatchObject({ unread: 0, mentions: 0, firstUnreadSeq: null, readSeq: 14 });
  });

  it('a marker moved on another device to the newest message clears the room; to the middle asks the server', () => {
    const stale = vi.fn();
    const s = new UnreadStore('me', stale);
    s.setSnapshot([room('r', 20, { readSeq: 5, unread: 4, mentions: 2, firstUnreadSeq: 6 })], 20);
    s.onUserEvent(21, moved('r', 12));
    expect(stale).toHaveBeenCalledWith(21);
    s.setSnapshot([room('r', 20, { readSeq: 12, unread: 2, mentions: 1, firstUnreadSeq: 15 })], 21);
    expect(s.get('r')).toMatchObject({ unread: 2, mentions: 1 });
    s.onUserEvent(22, moved('r', 20));
    expect(s.get('r')).toMatchObject({ unread: 0, mentions: 0, firstUnreadSeq: null, readSeq: 20 });
    expect(stale).toHaveBeenCalledTimes(1);
  });

  it('re-applies live events after a newer snapshot, dropping those it covers; an older snapshot is ignored', () => {
    const s = new UnreadStore('me');
    s.setSnapshot([room('r', 10, { readSeq: 10, unread: 0, mentions: 0, firstUnreadSeq: null })], 10);
    s.onRoomEvent('r', 11, sent('r', 'bob'));
    s.onRoomEvent('r', 12, sent('r', 'bob'));
    s.setSnapshot([room('r', 11, { readSeq: 10, unread: 1, mentions: 0, firstUnreadSeq: 11 })], 11);
    expect(s.get('r').unread).toBe(2);
    s.setSnapshot([room('r', 10, { readSeq: 10, unread: 0, mentions: 0, firstUnreadSeq: null })], 10);
    expect(s.get('r').unread).toBe(2);
  });

  it('an edit or delete of an unread message asks the server; of a read one it does not', () => {
    const stale = vi.fn();
    const s = new UnreadStore('me', stale);
    s.setSnapshot([room('r', 30, { readSeq: 20, unread: 2, mentions: 0, firstUnreadSeq: 25 })], 30);
    s.onRoomEvent('r', 31, { id: 'd', type: 'MessageDeleted', v: 1, at: '', actor: 'bob', data: { roomId: 'r', messageSeq: 15, deletedBy: 'bob' } });
    expect(stale).not.toHaveBeenCalled();
    s.onRoomEvent('r', 32, { id: 'd', type: 'MessageDeleted', v: 1, at: '', actor: 'bob', data: { roomId: 'r', messageSeq: 25, deletedBy: 'bob' } });
    expect(stale).toHaveBeenCalledWith(32);
  });
});
