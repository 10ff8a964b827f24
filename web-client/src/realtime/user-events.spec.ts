import { CloseCode, type EventEnvelope } from '@natter/contracts/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { harness, settle } from './testing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const profile = (name: string): EventEnvelope => ({ id: `e-${name}`, type: 'ProfileUpdated', v: 2, at: '2026-01-01T00:00:00.000Z', actor: 'me', data: { userId: 'me', displayName: name } });

describe('user events (per-user delivery)', () => {
  it('opts in live from now, then resumes from the last user event applied; each applied once', async () => {
    const h = harness({ userEvents: true });
    const got: [number, string][] = [];
    const syncs: number[] = [];
    h.client.onUserEvent((seq, ev) => got.push([seq, (ev.data as { displayName: string }).displayName]));
    h.client.onUserSynced((seq) => syncs.push(seq));
    h.client.start();
    await settle();
    h.last().hello('me', 'E1');
    expect(h.last().sent[0]).toEqual({ type: 'resume', rooms: {}, user: 'now' });
    h.last().deliver({ type: 'synced', epoch: 'E1', rooms: {}, user: 7 });
    expect(syncs).toEqual([7]);
    h.last().deliver({ type: 'user_event', seq: 9, event: profile('a') });
    h.last().deliver({ type: 'user_event', seq: 9, event: profile('a') });
    h.last().deliver({ type: 'user_event', seq: 12, event: profile('b') });
    expect(got).toEqual([[9, 'a'], [12, 'b']]);
    expect(h.client.userPosition).toBe(12);

    h.last().serverClose(CloseCode.ServerError);
    await vi.advanceTimersByTimeAsync(30_000);
    h.last().hello('me', 'E1');
    expect(h.last().sent[0]).toEqual({ type: 'resume', epoch: 'E1', rooms: {}, user: 12 });
    h.last().deliver({ type: 'user_truncated', after: 12, upto: 40 });
    expect(syncs).toEqual([7, 40]);
    h.last().deliver({ type: 'user_event', seq: 30, event: profile('old') });
    expect(got).toHaveLength(2);
  });

  it('a reset drops the user position (the next resume asks from now); without the option nothing is asked', async () => {
    const h = harness({ userEvents: true });
    h.client.start();
    await settle();
    h.last().hello('me', 'E1');
    h.last().deliver({ type: 'synced', epoch: 'E1', rooms: {}, user: 5 });
    h.last().reset('E2');
    await vi.advanceTimersByTimeAsync(1000);
    h.last().hello('me', 'E2');
    expect(h.last().sent[0]).toEqual({ type: 'resume', epoch: 'E2', rooms: {}, user: 'now' });

    const plain = harness();
    plain.client.start();
    await settle();
    plain.last().hello('me', 'E1');
    expect(plain.last().sent[0]).toEqual({ type: 'resume', rooms: {} });
  });
});
