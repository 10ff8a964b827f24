import type { StoredEvent } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { EdgeMetrics } from './metrics';
import type { History, RawEvent } from './ports';
import { RoomCursor, type CursorOwner } from './room-cursor';
import type { RoomFeed } from './room-feed';

const meta = 'ev.room.r.meta';
const msg = 'ev.room.r.msg';
const message = (seq: number): StoredEvent => ({ seq, subject: msg, id: `e${seq}`, type: 'MessageSent', v: 1, at: '', actor: 'x', data: { roomId: 'r', messageId: `m${seq}`, senderId: 'x', clientMsgId: `c${seq}`, text: `t${seq}` } });
const joined = (seq: number, userId = 'me'): StoredEvent => ({ seq, subject: meta, id: `e${seq}`, type: 'MemberJoined', v: 1, at: '', actor: userId, data: { roomId: 'r', userId, role: 'member', addedBy: null } });
const left = (seq: number, userId = 'me'): StoredEvent => ({ seq, subject: meta, id: `e${seq}`, type: 'MemberLeft', v: 1, at: '', actor: userId, data: { roomId: 'r', userId, reason: 'left', removedBy: null } });

/** An in-memory room: its stream, a feed over it, and an owner recording what the socket was sent. */
function world(stream: StoredEvent[], opts: { maxEvents?: number; bufferMax?: number; onRead?: (seq: number) => void; deleted?: number[] } = {}) {
  const bySeq = new Map(stream.map((e) => [e.seq, e]));
  const history: History = {
    streamState: async () => ({ lastSeq: stream.at(-1)?.seq ?? 0, epoch: 'e' }),
    lastSeqOf: async (subject) => stream.filter((e) => e.subject === subject).at(-1)?.seq ?? 0,
    async *eventsAfter(filter, afterSeq, uptoSeq = Infinity) {
      for (const e of [...stream]) {
        if (e.subject !== filter || e.seq <= afterSeq || e.seq > uptoSeq) continue;
        yield { seq: e.seq, subject: e.subject, data: new Uint8Array() } satisfies RawEvent;
        opts.onRead?.(e.seq);
      }
    },
  };
  // Per-socket path only: the topic path is covered by live-topic.spec.ts and test/topic-path.test.ts.
  const feed: RoomFeed = { attach: async () => {}, detach: () => {}, joinTopic: () => false, topicSeq: () => 0, dispatchedThrough: () => Number.MAX_SAFE_INTEGER, history, decode: (raw) => bySeq.get(raw.seq) ?? null };
  const sent: (number | string)[] = [];
  let ended = false;
  const owner: CursorOwner = {
    userId: 'me',
    isOpen: () => true,
    sendEvent: (_room, ev) => void sent.push(ev.seq),
    sendTruncated: (_room, after, upto) => void sent.push(`gap ${after}-${upto}`),
    sendSignal: () => {},
    closeWith: (code) => void sent.push(`close ${code}`),
    cursorEnded: () => void (ended = true),
    subscribe: () => {},
    unsubscribe: () => {},
    bufferedAmount: () => 0,
  };
  const metrics = new EdgeMetrics();
  const deleted = { deletedAmong: async (_room: string, seqs: number[]) => seqs.filter((s) => opts.deleted?.includes(s)) };
  const ctx = { feed, deleted, metrics, maxEvents: opts.maxEvents ?? 1000, bufferMax: opts.bufferMax ?? 1000, topicRejoinBytes: 1024 };
  return { sent, metrics, ctx, owner, ended: () => ended, append: (e: StoredEvent) => (stream.push(e), bySeq.set(e.seq, e)) };
}

describe('RoomCursor, bounded', () => {
  it('past maxEvents the rest is one gap up to the head, and pos jumps there', async () => {
    const w = world([1, 2, 3, 4, 5, 6].map(message), { maxEvents: 2 });
    const c = new RoomCursor('r', 0, 0, w.owner, w.ctx);
    await c.start();
    expect(w.sent).toEqual([1, 2, 'gap 2-6']);
    expect(c.pos).toBe(6);
  });

  it('an own leave in the gap: the gap up to it, the leave, then the cursor ends', async () => {
    const w = world([message(1), message(2), message(3), left(4), message(5)], { maxEvents: 1 });
    const c = new RoomCursor('r', 0, 0, w.owner, w.ctx);
    await c.start();
    expect(w.sent).toEqual([1, 'gap 1-3', 4]);
    expect(w.ended()).toBe(true);
  });

  it('a leave the client saw, then a rejoin in the gap: the rejoin, then the gap after it', async () => {
    const w = world([left(1), message(2), message(3), joined(4), message(5), message(6)], { maxEvents: 1 });
    const c = new RoomCursor('r', 0, 0, w.owner, w.ctx);
    await c.start();
    expect(w.sent).toEqual([1, 4, 'gap 4-6']);
    expect(c.isMember).toBe(true);
    expect(w.ended()).toBe(false);
  });

  it('a leave and a rejoin both in the gap: just the gap; before memberAt nothing is scanned', async () => {
    const w = world([message(1), message(2), left(3), joined(4), message(5)], { maxEvents: 1 });
    const c = new RoomCursor('r', 0, 0, w.owner, w.ctx);
    await c.start();
    expect(w.sent).toEqual([1, 'gap 1-5']);
    // memberAt = 5 says the user was a member throughout: the leave at 3 (a stale read) is not scanned.
    const w2 = world([message(1), message(2), left(3), message(4)], { maxEvents: 1 });
    await new RoomCursor('r', 0, 4, w2.owner, w2.ctx).start();
    expect(w2.sent).toEqual([1, 'gap 1-4']);
  });

  it('a live flood past bufferMax during the backfill: the buffer is dropped and the next round reads it from the stream', async () => {
    let c: RoomCursor;
    let next = 4;
    const w = world([message(1), message(2), message(3)], {
      bufferMax: 2,
      onRead: (seq) => {
        if (seq !== 1) return;
        // While the first round reads, five events arrive live (and are committed).
        for (let i = 0; i < 5; i++) {
          const e = message(next++);
          w.append(e);
          c.onEvent(e);
        }
      },
    });
    c = new RoomCursor('r', 0, 0, w.owner, w.ctx);
    await c.start();
    expect(w.sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(w.metrics.resumeBufferOverflows).toBe(1);
    expect(w.metrics.resumeBufferPeak).toBe(2);
    c.onEvent(message(9));
    expect(w.sent.at(-1)).toBe(9);
  });
});
