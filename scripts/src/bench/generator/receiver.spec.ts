import { describe, expect, it } from 'vitest';
import { nowMs } from '../histogram';
import { benchText, DeliveryTracker } from './receiver';

const frame = (room: string, seq: number, text: string) =>
  JSON.stringify({ type: 'event', room, seq, event: { id: 'e', type: 'MessageSent', v: 1, at: '', actor: 'u', data: { roomId: room, text } } });

describe('DeliveryTracker', () => {
  it('counts unique deliveries, duplicates, out-of-order and stale steps', () => {
    const t = new DeliveryTracker();
    t.reset(1, nowMs(), 2);
    const m = (n: number, step = 1) => benchText(nowMs(), 7, n, step, 64);
    expect(t.onFrame(0, frame('r', 10, m(0)))).toBe(true);
    t.onFrame(0, frame('r', 11, m(1)));
    t.onFrame(0, frame('r', 11, m(1))); // duplicate
    t.onFrame(0, frame('r', 9, m(2))); // seq went backwards
    t.onFrame(1, frame('r', 10, m(0))); // another connection: its own bookkeeping
    t.onFrame(0, frame('r', 12, m(3, 0))); // an earlier step
    expect({ delivered: t.delivered, duplicates: t.duplicates, outOfOrder: t.outOfOrder, stale: t.stale }).toEqual({ delivered: 4, duplicates: 1, outOfOrder: 1, stale: 1 });
    expect(t.latency.count).toBe(4);
    expect(t.onFrame(0, JSON.stringify({ type: 'ack', id: '1', result: { message: { text: m(4) } } }))).toBe(false);
  });
});
