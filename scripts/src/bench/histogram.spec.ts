import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram';

describe('Histogram', () => {
  it('gives percentiles within 1% and merges exactly', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i / 10); // 0.1 .. 100 ms
    a.merge(b.toData());
    const s = a.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeGreaterThan(49.5);
    expect(s.p50).toBeLessThan(50.6);
    expect(s.p99).toBeGreaterThan(98.5);
    expect(s.p99).toBeLessThanOrEqual(100);
    expect(s.max).toBe(100);
  });
});
