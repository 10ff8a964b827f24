import { describe, expect, it } from 'vitest';
import { NatterError } from '@natter/contracts';
import { MemoryRateLimiter } from './rate-limiter.memory';
import { perSecond, perWindow } from './rate-limiter';

/** The fallback's rule is natter.rate_take's (GCRA); the Postgres one is tested in command-api/test/rate-limits.test.ts. */
describe('MemoryRateLimiter (GCRA)', () => {
  it('allows the burst at once, refuses the next with the wait until one more is allowed, and refills', () => {
    let now = 1_000_000;
    const rl = new MemoryRateLimiter(() => now);
    const rate = perSecond(1, 3);
    for (let i = 0; i < 3; i++) rl.takeSync('a', rate);
    let refused: unknown;
    try {
      rl.takeSync('a', rate);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(NatterError);
    expect((refused as NatterError).toBody()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), details: { retryAfterMs: 1000 } } });
    rl.takeSync('b', rate); // keys are independent
    now += 1000;
    rl.takeSync('a', rate);
    expect(() => rl.takeSync('a', rate)).toThrow(NatterError);
  });

  it('reads `<count>/<seconds>` as count at once, then one every seconds/count', () => {
    expect(perWindow(30, 60)).toEqual({ intervalMs: 2000, burst: 30 });
  });
});
