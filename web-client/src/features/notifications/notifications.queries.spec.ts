import type { NotificationsPage, NotificationView } from '@natter/contracts/browser';
import { describe, expect, it } from 'vitest';
import { markersMayRead } from './notifications.queries';

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
