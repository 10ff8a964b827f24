import { describe, expect, it } from 'vitest';
import { NatterError } from '@natter/contracts';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the burst, refuses the next with rate_limited, and refills over time', () => {
    let now = 0;
    const rl = new RateLimiter(3, 1, () => now);
    rl.take('a');
    rl.take('a');
    rl.take('a');
    expect(() => rl.take('a')).toThrowError(expect.objectContaining({ code: 'rate_limited' }) as unknown as NatterError);
    rl.take('b'); // other keys are independent
    now += 1000;
    rl.take('a');
    expect(() => rl.take('a')).toThrow(NatterError);
  });
});
