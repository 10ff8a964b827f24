import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { discardBody, DRAIN_MAX_BYTES } from './http-body';

describe('discardBody', () => {
  it('reads the rest of a body to its end and keeps nothing', async () => {
    const s = new PassThrough();
    const done = discardBody(s, 10);
    s.write(Buffer.alloc(1000));
    s.end(Buffer.alloc(1000));
    await done;
    expect(s.readableEnded).toBe(true); // read to its end, not cut off
  });

  it('destroys the stream past limit + DRAIN_MAX_BYTES instead of reading on', async () => {
    const s = new PassThrough({ highWaterMark: 1024 * 1024 });
    const done = discardBody(s, 1000);
    let sent = 0;
    for (; sent <= 1000 + DRAIN_MAX_BYTES && !s.destroyed; sent += 1024 * 1024) {
      s.write(Buffer.alloc(1024 * 1024));
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(s.destroyed).toBe(true);
    expect(s.readableEnded).toBe(false);
    expect(sent).toBeGreaterThan(1000 + DRAIN_MAX_BYTES - 1024 * 1024); // not before the allowance was read
  });

  it('settles when the stream fails or closes early', async () => {
    const s = new PassThrough();
    const done = discardBody(s, 10);
    s.destroy(new Error('reset'));
    await expect(done).resolves.toBeUndefined();
  });
});
