import { NatterError } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './search-cursor';

const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('search cursor', () => {
  it('reads back what it wrote, tiny ranks and the largest seqs included, within the contract\'s 128 characters', () => {
    const big = 9_007_199_254_740_991;
    for (const c of [{ head: 500, width: 10_000, rank: 0.0607927, seq: 12 }, { head: 3, width: 1, rank: 1e-20, seq: 1 }, { head: big, width: 100_000_000, rank: 0.123456789, seq: big }]) {
      const s = encodeCursor(c);
      expect(decodeCursor(s)).toEqual(c);
      expect(s).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    }
  });

  it('refuses anything that is not a cursor it could have written as validation_failed: ranks Postgres cannot hold, widths out of range, a seq above the head', () => {
    const bad = ['100:10:1e39:5', '100:10:1e-50:5', '100:10:-0.5:5', '100:10:NaN:5', '100:10:0.5:', '100:10:0.5:99999999999999999',
      '100:0:0.5:5', '100:1000000000:0.5:5', '100:10:0.5:101', '100:10:0.5:0', '0.5:5', 'nope', '', ':::', '1e3:10:0.5:5'];
    for (const text of bad) {
      expect(() => decodeCursor(forged(text)), text).toThrow(NatterError);
      try {
        decodeCursor(forged(text));
      } catch (e) {
        expect((e as NatterError).code).toBe('validation_failed');
      }
    }
  });
});
