import { describe, expect, it } from 'vitest';
import { Timelines } from './timeline';
import { message, messageEvent } from './testing';

describe('Timelines', () => {
  it('seeds the position of an untracked room from the newest page, so resume starts right after it', () => {
    const t = new Timelines();
    t.mergePage('r', [message('r', 3, 'a'), message('r', 8, 'b')], { direction: 'newest', hasMore: true, asOfSeq: 10 });
    expect(t.get('r')).toMatchObject({ position: 10, hasOlder: true, newestLoaded: true });
    expect(t.positions()).toEqual({ r: 10 });
  });

  it('does not move a tracked position from a page', () => {
    const t = new Timelines();
    t.applyEvent('r', 12, messageEvent('r', 'live'));
    t.mergePage('r', [message('r', 8, 'b')], { direction: 'newest', hasMore: false, asOfSeq: 20 });
    expect(t.get('r').position).toBe(12);
  });

  it('a room whose newest page says nothing is older has nothing older, whatever live rows it held before', () => {
    const t = new Timelines();
    t.applyEvent('r', 2, { type: 'MemberJoined', data: { roomId: 'r', userId: 'u', role: 'owner' } } as never);
    t.mergePage('r', [], { direction: 'newest', hasMore: false, asOfSeq: 2 });
    expect(t.get('r').hasOlder).toBe(false);
  });

  it('loads older pages below the first item without gaps or repeats', () => {
    const t = new Timelines();
    t.mergePage('r', [message('r', 5, 'e'), message('r', 6, 'f')], { direction: 'newest', hasMore: true, asOfSeq: 6 });
    t.mergePage('r', [message('r', 3, 'c'), message('r', 5, 'e again')], { direction: 'older', hasMore: true, asOfSeq: 6 });
    t.mergePage('r', [message('r', 1, 'a')], { direction: 'older', hasMore: false, asOfSeq: 6 });
    const items = t.get('r').items;
    expect(items.map((i) => i.seq)).toEqual([1, 3, 5, 6]);
    expect(items.map((i) => (i.kind === 'message' ? i.text : ''))).toEqual(['a', 'c', 'e', 'f']);
    expect(t.get('r').hasOlder).toBe(false);
  });

  it('replaces the room object on change and keeps it when nothing changed', () => {
    const t = new Timelines();
    const before = t.get('r');
    expect(t.get('r')).toBe(before);
    t.applyEvent('r', 1, messageEvent('r', 'x'));
    expect(t.get('r')).not.toBe(before);
    const after = t.get('r');
    t.applyEvent('r', 1, messageEvent('r', 'x'));
    expect(t.get('r')).toBe(after);
  });
});

describe('Timelines: changes to messages (contracts foldMessage)', () => {
  const env = (type: string, data: object, at = '2026-01-01T00:00:00.000Z') => ({ id: `x-${type}-${Math.random()}`, type, v: 1, at, actor: 'u1', data: { roomId: 'r', ...data } });
  const view = (seq: number, text: string, extra: object = {}) => ({
    ...message('r', seq, text), senderName: 'Bob', inRoom: true, threadRootSeq: null, mentions: { userIds: [], room: false, here: false },
    edited: null, deleted: null, replies: null, reactions: [], pinned: null, attachments: [], ...extra,
  });
  const item = (t: Timelines, seq: number) => t.get('r').items.find((i) => i.seq === seq) as Extract<ReturnType<Timelines['get']>['items'][number], { kind: 'message' }>;

  it('folds edits, reactions, pins and deletes into the message they name, live', () => {
    const t = new Timelines();
    t.applyEvent('r', 1, messageEvent('r', 'hello'));
    t.applyEvent('r', 2, env('MessageEdited', { messageSeq: 1, text: 'hello!', mentions: { userIds: [], room: true, here: false } }));
    t.applyEvent('r', 3, env('ReactionAdded', { messageSeq: 1, userId: 'u1', emoji: 'tada' }));
    t.applyEvent('r', 4, env('MessagePinned', { messageSeq: 1, pinnedBy: 'u1' }));
    expect(item(t, 1)).toMatchObject({ text: 'hello!', edited: { seq: 2 }, reactions: [{ emoji: 'tada', count: 1, userIds: ['u1'] }], pinned: { seq: 4 }, asOf: 4 });
    t.applyEvent('r', 5, env('MessageDeleted', { messageSeq: 1, deletedBy: 'u2' }));
    t.applyEvent('r', 6, env('ReactionAdded', { messageSeq: 1, userId: 'u3', emoji: 'eyes' }));
    expect(item(t, 1)).toMatchObject({ text: '', edited: null, reactions: [], pinned: null, deleted: { seq: 5, by: 'u2' } });
    expect(t.get('r').items.map((i) => i.seq)).toEqual([1]);
  });

  it('never applies a change twice: a page item already holds what happened up to its asOfSeq', () => {
    const t = new Timelines();
    t.applyEvent('r', 10, messageEvent('r', 'live'));
    t.mergePage('r', [view(3, 'old', { reactions: [{ emoji: 'tada', count: 1, userIds: ['u1'] }] })], { direction: 'older', hasMore: false, asOfSeq: 14 });
    // the reaction at 12 is in the page already; the removal at 15 is not
    t.applyEvent('r', 12, env('ReactionAdded', { messageSeq: 3, userId: 'u1', emoji: 'tada' }));
    expect(item(t, 3).reactions).toEqual([{ emoji: 'tada', count: 1, userIds: ['u1'] }]);
    t.applyEvent('r', 15, env('ReactionRemoved', { messageSeq: 3, userId: 'u1', emoji: 'tada' }));
    expect(item(t, 3).reactions).toEqual([]);
    // an older snapshot of the same message does not replace a newer one
    t.mergePage('r', [view(3, 'old', { reactions: [{ emoji: 'tada', count: 1, userIds: ['u1'] }] })], { direction: 'older', hasMore: false, asOfSeq: 14 });
    expect(item(t, 3).reactions).toEqual([]);
  });

  it('keeps thread-only replies out of the room timeline and counts them on the root', () => {
    const t = new Timelines();
    t.applyEvent('r', 1, messageEvent('r', 'root'));
    const reply = (seq: number, alsoToRoom: boolean) => ({ ...messageEvent('r', `reply ${seq}`), data: { ...messageEvent('r', '').data as object, text: `reply ${seq}`, thread: { rootSeq: 1, rootSenderId: 'bob', alsoToRoom } } });
    t.applyEvent('r', 2, reply(2, false));
    t.applyEvent('r', 3, reply(3, true));
    expect(t.get('r').items.map((i) => i.seq)).toEqual([1, 3]);
    expect(item(t, 1).replies).toMatchObject({ count: 2, lastSeq: 3 });
    expect(item(t, 3).threadRootSeq).toBe(1);
  });
});

describe('Timelines: a page behind the live stream', () => {
  it('gets the live changes to its messages that arrived before it (above its asOfSeq)', () => {
    const t = new Timelines();
    t.applyEvent('r', 20, { id: 'a', type: 'ReactionAdded', v: 1, at: '', actor: 'u1', data: { roomId: 'r', messageSeq: 5, userId: 'u1', emoji: 'tada' } });
    t.applyEvent('r', 21, { id: 'b', type: 'MessageEdited', v: 1, at: '', actor: 'bob', data: { roomId: 'r', messageSeq: 5, text: 'edited', mentions: { userIds: [], room: false, here: false } } });
    const page = { ...message('r', 5, 'original'), senderName: 'Bob', inRoom: true, threadRootSeq: null, mentions: { userIds: [], room: false, here: false }, edited: null, deleted: null, replies: null, reactions: [{ emoji: 'tada', count: 1, userIds: ['u1'] }], pinned: null };
    t.mergePage('r', [page], { direction: 'newest', hasMore: false, asOfSeq: 20 });
    expect(t.get('r').items[0]).toMatchObject({ text: 'edited', reactions: [{ emoji: 'tada', count: 1, userIds: ['u1'] }], asOf: 21 });
  });
});
