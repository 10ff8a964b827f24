import { describe, expect, it } from 'vitest';
import { Admission } from './admission';

describe('Admission', () => {
  const overloaded = expect.objectContaining({ code: 'overloaded', details: { retryAfterMs: 500 } });

  it('refuses past maxInFlight, before anything runs, and admits again as requests finish', () => {
    const a = new Admission(2, 500);
    const s1 = a.enter();
    a.enter();
    expect(() => a.enter()).toThrow(overloaded);
    expect(a.shed).toBe(1);
    a.leave(s1);
    expect(() => a.enter()).not.toThrow();
  });

  it('a standing queue (even the quickest request of a window slower than the target) cuts admission to a trickle', () => {
    let t = 0;
    const a = new Admission(32, 500, 50, 200, () => t); // a 50 ms target over 200 ms windows
    // Window 1: five requests, each waiting 80 ms.
    const starts = Array.from({ length: 5 }, () => a.enter());
    t = 80;
    for (const s of starts) a.leave(s);
    t = 200; // window 2 starts: the queue stands, 32 / 16 = 2 may be in flight
    a.enter();
    a.enter();
    expect(() => a.enter()).toThrow(overloaded);
  });

  it('one slow request among quick ones is no standing queue', () => {
    let t = 0;
    const a = new Admission(32, 500, 50, 200, () => t);
    const slow = a.enter();
    for (let i = 0; i < 5; i++) {
      const s = a.enter();
      t += 2;
      a.leave(s);
    }
    t = 150;
    a.leave(slow); // 150 ms, but the quickest was 2 ms
    t = 200;
    for (let i = 0; i < 10; i++) a.enter();
    expect(a.current).toBe(10);
  });
});
