import { describe, expect, it } from 'vitest';
import type { History, RawEvent } from './ports';
import { mergeBySeq, roomEventsAfter } from './room-history';

const ev = (seq: number, subject: string): RawEvent => ({ seq, subject, data: new Uint8Array() });

/** An in-memory stream; records every call. */
function memoryHistory(events: RawEvent[]) {
  const calls: string[] = [];
  let closed = 0;
  const history: History = {
    streamState: async () => ({ lastSeq: events.at(-1)?.seq ?? 0, epoch: 'e1' }),
    lastSeqOf: async (subject) => {
      calls.push(`last ${subject}`);
      return events.filter((e) => e.subject === subject).at(-1)?.seq ?? 0;
    },
    eventsAfter(filter, afterSeq, uptoSeq = Infinity) {
      calls.push(`after ${filter} ${afterSeq} ${uptoSeq}`);
      return (async function* () {
        try {
          for (const e of events) if (e.subject === filter && e.seq > afterSeq && e.seq <= uptoSeq) yield e;
        } finally {
          closed++;
        }
      })();
    },
  };
  return { history, calls, closed: () => closed };
}

async function collect(it: AsyncIterable<RawEvent>): Promise<number[]> {
  const out: number[] = [];
  for await (const e of it) out.push(e.seq);
  return out;
}

describe('roomEventsAfter', () => {
  const meta = 'ev.room.r.meta';
  const msg = 'ev.room.r.msg';
  const stream = [ev(1, meta), ev(2, meta), ev(3, msg), ev(4, 'ev.room.other.msg'), ev(5, meta), ev(6, msg), ev(7, msg), ev(8, meta)];

  it('up to date: two last_by_subj lookups, no read', async () => {
    const h = memoryHistory(stream);
    expect(await collect(roomEventsAfter(h.history, 'r', 8))).toEqual([]);
    expect(h.calls).toEqual([`last ${meta}`, `last ${msg}`]);
  });

  it('reads only the subjects with newer events, each up to its last seq', async () => {
    const h = memoryHistory(stream);
    expect(await collect(roomEventsAfter(h.history, 'r', 7))).toEqual([8]);
    expect(h.calls.filter((c) => c.startsWith('after'))).toEqual([`after ${meta} 7 8`]);
  });

  it('merges both subjects by seq', async () => {
    const h = memoryHistory(stream);
    expect(await collect(roomEventsAfter(h.history, 'r', 0))).toEqual([1, 2, 3, 5, 6, 7, 8]);
    expect(await collect(roomEventsAfter(h.history, 'r', 2))).toEqual([3, 5, 6, 7, 8]);
  });

  it('stopping early releases both reads', async () => {
    const h = memoryHistory(stream);
    for await (const e of roomEventsAfter(h.history, 'r', 0)) if (e.seq === 3) break;
    await new Promise((r) => setTimeout(r, 10));
    expect(h.closed()).toBe(2);
  });
});

describe('mergeBySeq', () => {
  it('a failing read fails the merge', async () => {
    const bad = (async function* () {
      yield ev(2, 'b');
      throw new Error('boom');
    })();
    const good = (async function* () {
      yield ev(1, 'a');
      yield ev(3, 'a');
    })();
    await expect(collect(mergeBySeq(good, bad))).rejects.toThrow('boom');
  });
});
