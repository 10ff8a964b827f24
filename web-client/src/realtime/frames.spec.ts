import { describe, expect, it } from 'vitest';
import { parseFrame } from './frames';

const p = (o: unknown) => parseFrame(JSON.stringify(o));

describe('parseFrame', () => {
  it('accepts the frames of the protocol and drops unknown types', () => {
    expect(p({ type: 'hello', userId: 'u', connId: 'c', node: 'n', epoch: 'E' })).toMatchObject({ type: 'hello' });
    expect(p({ type: 'hello', userId: 'u', connId: 'c', node: 'n' })).toMatchObject({ type: 'hello' });
    expect(p({ type: 'truncated', room: 'r', after: 1, upto: 9 })).toMatchObject({ type: 'truncated' });
    expect(p({ type: 'reset', reason: 'epoch', epoch: 'E' })).toMatchObject({ type: 'reset' });
    expect(p({ type: 'error', id: 'x', code: 'rate_limited', message: 'm' })).toMatchObject({ type: 'error' });
    expect(p({ type: 'user_event', seq: 1 })).toBeNull();
  });

  it('drops frames missing what the client reads', () => {
    expect(p({ type: 'truncated', room: 'r', after: 1 })).toBeNull();
    expect(p({ type: 'reset', reason: 'epoch' })).toBeNull();
    expect(p({ type: 'synced', rooms: {}, epoch: 3 })).toBeNull();
    expect(p({ type: 'event', room: 'r', seq: 1 })).toBeNull();
    expect(parseFrame('{nope')).toBeNull();
    expect(parseFrame(42)).toBeNull();
  });
});
