import { CloseCode } from '@natter/contracts/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryTimelineStore } from './memory-store';
import { persistTimelines } from './persist';
import { harness, message, messageEvent, settle } from './testing';
import { Timelines } from './timeline';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function online(h: ReturnType<typeof harness>, synced: Record<string, number>, epoch = 'E1') {
  if (h.client.status === 'idle') h.client.start();
  await settle();
  h.last().hello('me', epoch);
  h.last().synced(synced, epoch);
}

describe('epochs', () => {
  it('resumes with the epoch the positions were collected in; a fresh client sends none', async () => {
    const h = harness();
    h.client.start();
    await settle();
    h.last().hello('me', 'E1');
    expect(h.last().sent).toEqual([{ type: 'resume', rooms: {} }]);
    h.last().synced({ r1: 4 }, 'E1');
    expect(h.timelines.epoch).toBe('E1');
    h.last().event('r1', 6, messageEvent('r1', 'x'));
    h.last().serverClose(CloseCode.ServerError);
    await vi.advanceTimersByTimeAsync(30_000);
    h.last().hello('me', 'E1');
    expect(h.last().sent[0]).toEqual({ type: 'resume', epoch: 'E1', rooms: { r1: 6 } });
  });

  it('persists the epoch with every room, and a reload resumes in it; rooms of another epoch are not restored', async () => {
    const store = memoryTimelineStore();
    const t = new Timelines();
    const p = persistTimelines(t, store);
    t.applyEvent('r1', 5, messageEvent('r1', 'a'));
    t.setEpoch('E1');
    await p.flush();
    expect(store.rows.get('r1')).toMatchObject({ epoch: 'E1', position: 5 });
    const reloaded = new Timelines();
    reloaded.restore([...store.rows.values(), { roomId: 'old', epoch: 'E0', position: 9, hasOlder: true, items: [] }]);
    expect(reloaded.epoch).toBe('E1');
    expect(reloaded.positions()).toEqual({ r1: 5 });
  });
});

describe('reset (positions of another stream)', () => {
  it('drops every room, keeps never-sent messages, fails sent ones for the user, and reconnects at once with no positions', async () => {
    const h = harness();
    const resets: number[] = [];
    h.client.onReset(() => resets.push(1));
    await online(h, { r1: 3, r2: 7 });
    h.last().event('r1', 4, messageEvent('r1', 'old stream'));
    const sent = h.client.send('r1', 'sent before the reset');
    expect(h.last().sentOfType('send')).toHaveLength(1);
    const first = h.last();
    first.reset('E2', 'stream_recreated');
    expect(h.timelines.positions()).toEqual({});
    expect(h.timelines.get('r1').items).toEqual([]);
    expect(h.timelines.epoch).toBe('E2');
    expect(h.outbox.get(sent)).toMatchObject({ status: 'failed', error: { code: 'stream_reset' } });
    expect(resets).toEqual([1]);
    const later = h.client.send('r2', 'written after');
    expect(h.outbox.get(later)?.status).toBe('pending');

    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(h.sockets).toHaveLength(2);
    h.last().hello('me', 'E2');
    expect(h.last().sent).toEqual([{ type: 'resume', epoch: 'E2', rooms: {} }]);
    h.last().synced({ r2: 2 }, 'E2');
    // The never-sent message goes to the new stream; the failed one waits for the user (retry or discard).
    expect(h.last().sentOfType('send').map((f) => f.clientMsgId)).toEqual([later]);
    expect(first.sentOfType('send')).toHaveLength(1);
  });

  it('a 4003 close whose reset frame was lost drops the positions all the same', async () => {
    const h = harness();
    await online(h, { r1: 3 });
    h.last().serverClose(CloseCode.Reset);
    expect(h.timelines.positions()).toEqual({});
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    h.last().hello('me', 'E2');
    expect(h.last().sent).toEqual([{ type: 'resume', rooms: {} }]);
  });
});

describe('truncated (a gap the socket will not fill)', () => {
  it('restarts the room at `upto`: held items go, the view reloads it over HTTP, later events apply', async () => {
    const h = harness();
    const gaps: string[] = [];
    h.client.onRoomGap((r) => gaps.push(r));
    h.timelines.mergePage('r1', [message('r1', 2, 'held')], { direction: 'newest', hasMore: false, asOfSeq: 2 });
    h.client.start();
    await settle();
    h.last().hello('me', 'E1');
    h.last().event('r1', 5, messageEvent('r1', 'replayed'));
    h.last().truncated('r1', 5, 90);
    h.last().event('r1', 95, messageEvent('r1', 'after the gap'));
    h.last().synced({ r1: 95 }, 'E1');
    const t = h.timelines.get('r1');
    expect(t.items.map((i) => i.seq)).toEqual([95]);
    expect(t.position).toBe(95);
    expect(t.newestLoaded).toBe(false);
    expect(t.hasOlder).toBe(true);
    expect(gaps).toEqual(['r1']);
  });
});
