import { NatterError } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './search-cursor';

const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('search cursor', () => {
  it('reads back what it wrote, tiny ranks included', () => {
    for (const c of [{ rank: 0.0607927, seq: 12 }, { rank: 1e-20, seq: 1 }, { rank: 0, seq: 9_007_199_254_740_991 }]) {
      expect(decodeCursor(encodeCursor(c))).toEqual(c);
    }
  });

  it('refuses a rank Postgres cannot hold as a real, and anything that is not a cursor, as validation_failed', () => {
    for (const text of ['1e39:5', '1e-50:5', '-1e40:5', 'NaN:5', '0.5:', '0.5:99999999999999999', 'nope']) {
      expect(() => decodeCursor(forged(text)), text).toThrow(NatterError);
      try {
        decodeCursor(forged(text));
      } catch (e) {
        expect((e as NatterError).code).toBe('validation_failed');
      }
    }
  });
});
