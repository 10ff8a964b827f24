import { describe, expect, it } from 'vitest';
import { ExpiryWheel } from './expiry';

describe('ExpiryWheel', () => {
  it('expires items whose second has passed, once; removed items never expire', () => {
    const wheel = new ExpiryWheel(60_000);
    const expired: string[] = [];
    const item = (name: string) => ({ expire: () => expired.push(name) });
    const a = item('a');
    const b = item('b');
    const c = item('c');
    wheel.add(a, 10_000);
    const kb = wheel.add(b, 10_500);
    wheel.add(c, 20_000);
    wheel.remove(b, kb);
    wheel.tick(9_999);
    expect(expired).toEqual([]);
    wheel.tick(10_000);
    expect(expired).toEqual(['a']);
    wheel.tick(15_000);
    expect(expired).toEqual(['a']);
    wheel.tick(20_001);
    wheel.tick(30_000);
    expect(expired).toEqual(['a', 'c']);
    wheel.stop();
  });
});
