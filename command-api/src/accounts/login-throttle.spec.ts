import { describe, expect, it } from 'vitest';
import { backoffMs } from './login-throttle';

describe('login backoff', () => {
  it('is free up to the allowance, then doubles from 1 s, capped', () => {
    expect([0, 4, 5].map((n) => backoffMs(n, 5, 900_000))).toEqual([0, 0, 0]);
    expect([6, 7, 8, 9].map((n) => backoffMs(n, 5, 900_000))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(100, 5, 900_000)).toBe(900_000);
    // under attack (no allowance): the first failure already costs a second
    expect(backoffMs(1, 0, 900_000)).toBe(1000);
  });
});
