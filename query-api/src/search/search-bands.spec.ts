import { describe, expect, it } from 'vitest';
import { bandBounds, bandGroup, bandOf, CandidateBudget } from './search-bands';

describe('search bands', () => {
  it('cover (0, head] exactly once, newest first, each 4 times wider than the one before, the last reaching 0', () => {
    for (const [head, width] of [[1_000_199, 10_000], [3_100, 10_000], [100, 7], [1, 1], [9_007_199_254_740_991, 1]]) {
      let hi = head;
      for (let k = 0; ; k++) {
        const b = bandBounds(head, width, k);
        expect(b.k).toBe(k);
        expect(b.hi).toBe(hi);
        expect(b.lo).toBeLessThan(b.hi);
        if (k > 0 && !b.last) expect(b.hi - b.lo).toBe(3 * width * 4 ** (k - 1));
        hi = b.lo;
        if (b.last) break;
        expect(k).toBeLessThan(40);
      }
      expect(hi).toBe(0);
    }
    expect(bandBounds(1_000_199, 10_000, 0)).toEqual({ k: 0, lo: 990_199, hi: 1_000_199, last: false });
    expect(bandBounds(1_000_199, 10_000, 1)).toEqual({ k: 1, lo: 960_199, hi: 990_199, last: false });
  });

  it('bandOf names the band that holds a seq', () => {
    const head = 100_000;
    const width = 100;
    for (let seq = 1; seq <= head; seq += 37) {
      const b = bandBounds(head, width, bandOf(head, width, seq));
      expect(seq > b.lo && seq <= b.hi, `${seq}`).toBe(true);
    }
    expect(bandOf(head, width, head)).toBe(0);
    expect(bandOf(head, width, head - 99)).toBe(0);
    expect(bandOf(head, width, head - 100)).toBe(1);
  });

  it('a statement reads one band until the density is known, then as many as hold about CandidateBudget matches', () => {
    expect(bandGroup(1_000_000, 10_000, 0, null).map((b) => b.k)).toEqual([0]);
    // 1 match in 10,000 seqs: everything below fits the budget.
    const sparse = bandGroup(1_000_000, 10_000, 1, 1 / 10_000);
    expect(sparse.map((b) => b.k)).toEqual([1, 2, 3, 4]);
    expect(sparse[sparse.length - 1].last).toBe(true);
    // 1 in 100: bands 1 and 2 (hi - lo = 150,000 seqs, ~1,500 matches) would pass it; band 1 alone is 300.
    expect(bandGroup(1_000_000, 10_000, 1, 1 / 100).map((b) => b.k)).toEqual([1]);
    expect(CandidateBudget).toBeGreaterThan(0);
  });
});
