import type { EventEnvelope, NotificationsPage, NotificationView } from '@natter/contracts/browser';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followNotifications, markersMayRead, notificationKeys } from './notifications.queries';

const n = (seq: number, roomId: string, read = false, threadRootSeq: number | null = null): NotificationView => ({
  seq, kind: 'mention', roomId, roomName: roomId, messageSeq: seq, threadRootSeq, actorId: 'ann', actorName: 'Ann', excerpt: 'hi', at: '2026-12-07T00:00:00Z', read,
});
const page = (items: NotificationView[], unread = items.filter((i) => !i.read).length): NotificationsPage => ({ items, unread, asOfSeq: 100 });

describe('markersMayRead (when a read marker refetches the notification center)', () => {
  it('refetches when a marker covers an unread notification of its room, or of its thread', () => {
    expect(markersMayRead(page([n(10, 'a')]), [{ roomId: 'a', seq: 10 }])).toBe(true);
    expect(markersMayRead(page([n(12, 'a', false, 7)]), [{ roomId: 'a', seq: 12, threadRootSeq: 7 }])).toBe(true);
  });

  it('does not when nothing unread is covered: another room, an earlier seq, the timeline vs a thread, all read', () => {
    expect(markersMayRead(page([n(10, 'a')]), [{ roomId: 'b', seq: 50 }])).toBe(false);
    expect(markersMayRead(page([n(10, 'a')]), [{ roomId: 'a', seq: 9 }])).toBe(false);
    expect(markersMayRead(page([n(12, 'a', false, 7)]), [{ roomId: 'a', seq: 50 }])).toBe(false);
    expect(markersMayRead(page([n(10, 'a', true)]), [{ roomId: 'a', seq: 50 }])).toBe(false);
    expect(markersMayRead(undefined, [{ roomId: 'a', seq: 50 }])).toBe(false);
  });

  it('refetches when unread ones lie beyond the loaded page', () => {
    expect(markersMayRead(page([n(10, 'a')], 5), [{ roomId: 'b', seq: 50 }])).toBe(true);
  });
});

describe('followNotifications (the center and settings kept live)', () => {
  const mention = () => ({ type: 'MessageSent', data: { senderId: 'ann', roomId: 'a', text: '@bob hi', mentions: { userIds: ['bob'], room: false, here: false } } }) as unknown as EventEnvelope;
  const marker = { type: 'ReadMarkersMoved', data: { userId: 'bob', markers: [{ roomId: 'a', seq: 10 }] } } as unknown as EventEnvelope;

  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a marker that arrives while a center read is due makes that read as of the marker (the notification it read is not shown unread)', async () => {
    const qc = new QueryClient();
    const invalidated: unknown[] = [];
    vi.spyOn(qc, 'invalidateQueries').mockImplementation(async (f) => void invalidated.push(f?.queryKey));
    const observed: number[] = [];
    const follow = followNotifications(qc, (s) => observed.push(s), 'bob');
    follow.onRoomEvent('a', 10, mention()); // not in the cached center yet (there is none)
    follow.onUserEvent(11, marker);
    await vi.advanceTimersByTimeAsync(200);
    expect(Math.max(...observed)).toBe(11);
    expect(invalidated).toEqual([notificationKeys.center]);
    // With nothing due and nothing cached that it covers, a marker reads nothing.
    follow.onUserEvent(12, marker);
    await vi.advanceTimersByTimeAsync(200);
    expect(invalidated).toHaveLength(1);
  });

  it('a settings change right after a center event refetches both', async () => {
    const qc = new QueryClient();
    const invalidated: unknown[] = [];
    vi.spyOn(qc, 'invalidateQueries').mockImplementation(async (f) => void invalidated.push(f?.queryKey));
    const follow = followNotifications(qc, () => {}, 'bob');
    follow.onUserEvent(5, { type: 'NotificationsRead', data: { userId: 'bob', upToSeq: 4 } } as unknown as EventEnvelope);
    follow.onUserEvent(6, { type: 'NotificationSettingsChanged', data: { userId: 'bob', level: 'all' } } as unknown as EventEnvelope);
    await vi.advanceTimersByTimeAsync(200);
    expect(invalidated).toEqual([notificationKeys.center, notificationKeys.settings]);
  });
});

describe('followNotifications: my own send', () => {
  it('refetches the center when my send reads a notification it shows unread (the server moves my marker to my message)', async () => {
    vi.useFakeTimers();
    try {
      const qc = new QueryClient();
      qc.setQueryData(notificationKeys.center, page([n(7, 'a')]));
      const invalidated: unknown[] = [];
      vi.spyOn(qc, 'invalidateQueries').mockImplementation(async (f) => void invalidated.push(f?.queryKey));
      const follow = followNotifications(qc, () => {}, 'bob');
      const mine = (roomId: string) => ({ type: 'MessageSent', data: { senderId: 'bob', roomId, text: 'reply' } }) as unknown as EventEnvelope;
      follow.onRoomEvent('b', 8, mine('b')); // another room: nothing to read
      await vi.advanceTimersByTimeAsync(200);
      expect(invalidated).toEqual([]);
      follow.onRoomEvent('a', 9, mine('a'));
      await vi.advanceTimersByTimeAsync(200);
      expect(invalidated).toEqual([notificationKeys.center]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('followNotifications: rooms I am not (or no longer) in', () => {
  it('the first message of a direct message not yet in my rooms list refetches; leaving or removal refetches too (the server drops that room from my center)', async () => {
    vi.useFakeTimers();
    try {
      const qc = new QueryClient();
      qc.setQueryData(['myRooms'], []);
      const invalidated: unknown[] = [];
      vi.spyOn(qc, 'invalidateQueries').mockImplementation(async (f) => void invalidated.push(f?.queryKey));
      const follow = followNotifications(qc, () => {}, 'bob');
      follow.onRoomEvent('dm1', 3, { type: 'MessageSent', data: { senderId: 'carol', roomId: 'dm1', text: 'hi' } } as unknown as EventEnvelope);
      await vi.advanceTimersByTimeAsync(200);
      expect(invalidated).toEqual([notificationKeys.center]);
      follow.onRoomEvent('r', 4, { type: 'MemberLeft', data: { roomId: 'r', userId: 'ann', reason: 'left', removedBy: null } } as unknown as EventEnvelope);
      await vi.advanceTimersByTimeAsync(200);
      expect(invalidated).toHaveLength(1); // someone else left: nothing of mine changed
      follow.onRoomEvent('r', 5, { type: 'MemberLeft', data: { roomId: 'r', userId: 'bob', reason: 'removed', removedBy: 'ann' } } as unknown as EventEnvelope);
      await vi.advanceTimersByTimeAsync(200);
      expect(invalidated).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
