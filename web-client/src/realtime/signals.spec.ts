import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSignals, typingLine } from './signals';
import { harness, messageEvent, settle } from './testing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function online(h: ReturnType<typeof harness>) {
  h.client.start();
  await settle();
  h.last().hello('me');
  h.last().synced({ r1: 1 });
}

describe('LiveSignals', () => {
  it('typing shows for a while after the last signal, then ends by itself', () => {
    const s = new LiveSignals(5000);
    const seen: number[] = [];
    s.subscribe(() => seen.push(s.version));
    s.typingStarted('r1', 'bob');
    expect(s.typingIn('r1')).toEqual(['bob']);
    vi.advanceTimersByTime(3000);
    s.typingStarted('r1', 'bob');
    vi.advanceTimersByTime(3000);
    expect(s.typingIn('r1')).toEqual(['bob']);
    vi.advanceTimersByTime(2001);
    expect(s.typingIn('r1')).toEqual([]);
    expect(seen.length).toBe(3);
  });

  it('presence is unknown until reported', () => {
    const s = new LiveSignals();
    expect(s.isOnline('ann')).toBeUndefined();
    s.setOnline('ann', true);
    expect(s.isOnline('ann')).toBe(true);
    s.reset();
    expect(s.isOnline('ann')).toBeUndefined();
  });

  it('typingLine', () => {
    expect(typingLine([])).toBeNull();
    expect(typingLine(['Ann'])).toBe('Ann is typing…');
    expect(typingLine(['Ann', 'Bob'])).toBe('Ann and Bob are typing…');
    expect(typingLine(['Ann', 'Bob', 'Cy'])).toBe('Several people are typing…');
  });
});

describe('RealtimeClient typing and presence', () => {
  it('sends typing at most once per 2 s per room, only while online', async () => {
    const h = harness();
    h.client.typing('r1');
    await online(h);
    h.client.typing('r1');
    h.client.typing('r1');
    h.client.typing('r2');
    expect(h.last().sentOfType('typing')).toEqual([{ type: 'typing', roomId: 'r1' }, { type: 'typing', roomId: 'r2' }]);
    vi.advanceTimersByTime(2000);
    h.client.typing('r1');
    expect(h.last().sentOfType('typing')).toHaveLength(3);
  });

  it('typing frames of others show until their message arrives', async () => {
    const h = harness();
    await online(h);
    h.last().deliver({ type: 'typing', room: 'r1', userId: 'bob' });
    h.last().deliver({ type: 'typing', room: 'r1', userId: 'me' });
    expect(h.client.signals.typingIn('r1')).toEqual(['bob']);
    h.last().event('r1', 2, messageEvent('r1', 'hi', { senderId: 'bob' }));
    expect(h.client.signals.typingIn('r1')).toEqual([]);
  });

  it('follows presence: subscribe when online, state from the ack and presence frames, again after a reconnect', async () => {
    const h = harness();
    h.client.followPresence(['ann', 'bob', 'ann']);
    await online(h);
    const [sub] = h.last().sentOfType('presence_subscribe');
    expect(sub.userIds).toEqual(['ann', 'bob']);
    h.last().deliver({ type: 'ack', id: sub.id, result: { online: { ann: true, bob: false } } });
    expect(h.client.signals.isOnline('ann')).toBe(true);
    expect(h.client.signals.isOnline('bob')).toBe(false);
    h.last().deliver({ type: 'presence', userId: 'bob', online: true });
    expect(h.client.signals.isOnline('bob')).toBe(true);

    h.last().serverClose(4000);
    expect(h.client.signals.isOnline('bob')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    h.last().hello('me');
    h.last().synced({ r1: 1 });
    expect(h.last().sentOfType('presence_subscribe')[0].userIds).toEqual(['ann', 'bob']);

    h.client.followPresence([]);
    expect(h.last().sentOfType('presence_subscribe')[1].userIds).toEqual([]);
  });
});
