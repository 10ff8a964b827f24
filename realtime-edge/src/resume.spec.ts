import type { StoredEvent } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { positionsProblem, startingPositions, type StreamView } from './resume';

function view(epoch: string, highWater: number, stream = { epoch, lastSeq: highWater }) {
  let asked = 0;
  const v: StreamView & { asked: () => number } = {
    epoch,
    highWater,
    currentStream: async () => {
      asked++;
      return stream;
    },
    asked: () => asked,
  };
  return v;
}

describe('positionsProblem', () => {
  it('no positions: nothing to check, no epoch needed', async () => {
    const v = view('e1', 10);
    expect(await positionsProblem({}, undefined, v)).toBeNull();
    expect(v.asked()).toBe(0);
  });

  it('positions of this epoch within what the node has seen: fine without asking the stream', async () => {
    const v = view('e1', 10);
    expect(await positionsProblem({ a: 10, b: 0 }, 'e1', v)).toBeNull();
    expect(v.asked()).toBe(0);
  });

  it('another epoch, or none: epoch (after asking the stream, in case this node is the one behind)', async () => {
    expect(await positionsProblem({ a: 1 }, 'e0', view('e1', 10))).toBe('epoch');
    expect(await positionsProblem({ a: 1 }, undefined, view('e1', 10))).toBe('epoch');
    expect(await positionsProblem({ a: 1 }, 'e2', view('e1', 10, { epoch: 'e2', lastSeq: 3 }))).toBeNull();
  });

  it('beyond the end of the stream: position; beyond what the node saw but not the stream: fine', async () => {
    expect(await positionsProblem({ a: 11 }, 'e1', view('e1', 10))).toBe('position');
    expect(await positionsProblem({ a: 12 }, 'e1', view('e1', 10, { epoch: 'e1', lastSeq: 12 }))).toBeNull();
  });

  it('the user position is checked like a room position, alone or with rooms', async () => {
    expect(await positionsProblem({}, 'e1', view('e1', 10), 11)).toBe('position');
    expect(await positionsProblem({ a: 1 }, 'e1', view('e1', 10), 11)).toBe('position');
    expect(await positionsProblem({}, 'e0', view('e1', 10), 0)).toBe('epoch');
    const v = view('e1', 10);
    expect(await positionsProblem({ a: 3 }, 'e1', v, 10)).toBeNull();
    expect(v.asked()).toBe(0);
  });
});

describe('startingPositions', () => {
  const snap = { asOfSeq: 50, rooms: [{ roomId: 'listed', joinedSeq: 10, lastSeq: 40 }, { roomId: 'rejoined', joinedSeq: 30, lastSeq: 45 }, { roomId: 'unlisted', joinedSeq: 5, lastSeq: 48 }] };
  const joined = (roomId: string, userId: string, seq: number) => ({ seq, type: 'MemberJoined', data: { roomId, userId, role: 'member', addedBy: null } }) as unknown as StoredEvent;

  it('listed rooms from the client, never before the current membership; others live from their last seq; stray rooms ignored', () => {
    const starts = startingPositions('me', { listed: 20, rejoined: 12, gone: 7 }, snap, []);
    expect(Object.fromEntries(starts)).toEqual({
      listed: { pos: 20, memberAt: 50 },
      rejoined: { pos: 29, memberAt: 50 },
      unlisted: { pos: 48, memberAt: 50 },
    });
  });

  it('a join after the snapshot opens its room from the join event; one the snapshot covers, or of someone else, does not', () => {
    const starts = startingPositions('me', {}, snap, [joined('late', 'me', 55), joined('early', 'me', 49), joined('theirs', 'you', 56)]);
    expect(starts.get('late')).toEqual({ pos: 54, memberAt: 55 });
    expect(starts.has('early')).toBe(false);
    expect(starts.has('theirs')).toBe(false);
  });
});
