import { headers as natsHeaders } from '@nats-io/transport-node';
import { encodeEvent, newId, Subjects } from '@natter/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { History, MembershipSource, RawEvent } from '../src/ports';
import { seqs, sleep, World, type Client } from './harness';

/** History whose reads can be slowed down, so live traffic piles up while a backfill runs. */
class SlowHistory implements History {
  delayMs = 0;
  constructor(private readonly real: History) {}
  streamState() {
    return this.real.streamState();
  }
  lastSeqOf(subject: string) {
    return this.real.lastSeqOf(subject);
  }
  async *eventsAfter(filter: string, afterSeq: number, uptoSeq?: number): AsyncIterable<RawEvent> {
    for await (const e of this.real.eventsAfter(filter, afterSeq, uptoSeq)) {
      if (this.delayMs) await sleep(this.delayMs);
      yield e;
    }
  }
}

const w = new World();
const MAX_EVENTS = 40;
const BUFFER_MAX = 10;
/** Replays at most 40 events per backfill, buffers at most 10 live events per cursor. */
let capped: EdgeHandle;
let cappedHistory: SlowHistory;
/** The same buffer bound, no replay cap to speak of. */
let buffered: EdgeHandle;
let bufferedHistory: SlowHistory;
let onSnapshotTaken: (() => Promise<void>) | undefined;

beforeAll(async () => {
  await w.start();
  const membership = (real: MembershipSource): MembershipSource => ({
    async userRooms(userId, minSeq) {
      const snap = await real.userRooms(userId, minSeq);
      const hook = onSnapshotTaken;
      onSnapshotTaken = undefined;
      if (hook) await hook();
      return snap;
    },
  });
  // No membership cache on this edge: every resume takes a snapshot, so onSnapshotTaken runs between the
  // snapshot and the cursor (the cache's own races: membership-cache.test.ts).
  capped = await w.edge(
    { history: (real) => (cappedHistory = new SlowHistory(real)), membership },
    { EDGE_RESUME_MAX_EVENTS: String(MAX_EVENTS), EDGE_RESUME_BUFFER_MAX: String(BUFFER_MAX), EDGE_MEMBERSHIP_CACHE_USERS: '0' },
  );
  buffered = await w.edge({ history: (real) => (bufferedHistory = new SlowHistory(real)) }, { EDGE_RESUME_BUFFER_MAX: String(BUFFER_MAX) });
});
afterAll(() => w.stop());

/** Connect, resume from scratch, read the room's position, disconnect. */
async function positionOf(edge: EdgeHandle, userId: string, room: string): Promise<number> {
  const c = await w.client(edge, userId);
  const synced = await c.resume({});
  c.close();
  await c.waitClosed();
  return synced.rooms[room];
}

/** Appends `n` messages at once (parallel publishes, not through the fake backend's serial chain). */
async function flood(room: string, n: number): Promise<number[]> {
  const acks = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const { body, headers } = encodeEvent({ type: 'MessageSent', data: { roomId: room, messageId: newId(), senderId: 'bo', clientMsgId: newId(), text: `flood ${i}` } }, 'bo');
      const h = natsHeaders();
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
      return w.js.publish(Subjects.roomMsg(room), body, { headers: h });
    }),
  );
  return acks.map((a) => a.seq).sort((a, b) => a - b);
}

/** What the client ends up holding: the events it was sent, plus each truncated gap read from the stream. */
async function heldAfterGaps(c: Client, room: string, history: History): Promise<number[]> {
  const held: number[] = [];
  for (const f of c.frames) {
    if (f.type === 'event' && f.room === room) held.push(f.seq);
    if (f.type === 'truncated' && f.room === room) {
      for (const subject of [Subjects.roomMeta(room), Subjects.roomMsg(room)]) {
        for await (const e of history.eventsAfter(subject, f.after, f.upto)) held.push(e.seq);
      }
    }
  }
  return held.sort((a, b) => a - b);
}

const isAscendingUnique = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe('bounded resume', () => {
  it(`a client far behind gets ${MAX_EVENTS} events, then truncated {after, upto} in band, then live; the gap is all it must fetch`, async () => {
    await w.fake.createRoom('b1', 'ann', ['bo']);
    const pos = await positionOf(capped, 'ann', 'b1');
    const missed: number[] = [];
    for (let i = 0; i < 150; i++) missed.push(await w.fake.message('b1', 'bo', `m${i}`));

    const ann = await w.client(capped, 'ann');
    const synced = await ann.resume({ b1: pos });
    const truncated = ann.frames.filter((f) => f.type === 'truncated');
    expect(truncated).toEqual([{ type: 'truncated', room: 'b1', after: missed[MAX_EVENTS - 1], upto: missed.at(-1) }]);
    // In band: the capped replay, then the notice, then nothing older.
    const iTrunc = ann.frames.indexOf(truncated[0]);
    expect(seqs(ann.frames.slice(0, iTrunc).filter((f) => f.type === 'event'))).toEqual(missed.slice(0, MAX_EVENTS));
    expect(synced.rooms.b1).toBe(missed.at(-1));

    const live = await w.fake.message('b1', 'bo', 'live');
    await ann.until('live', () => ann.events('b1').some((f) => f.seq === live));
    expect(seqs(ann.events('b1'))).toEqual([...missed.slice(0, MAX_EVENTS), live]);
    expect(await heldAfterGaps(ann, 'b1', cappedHistory)).toEqual([...missed, live]);
    expect(capped.metrics.truncations).toBeGreaterThanOrEqual(1);
  });

  it('a flood during a slow backfill: the live buffer stays bounded, the backfill pages again, every event arrives once in order', async () => {
    await w.fake.createRoom('b2', 'cy', ['bo']);
    const pos = await positionOf(buffered, 'cy', 'b2');
    const missed: number[] = [];
    for (let i = 0; i < 20; i++) missed.push(await w.fake.message('b2', 'bo', `m${i}`));
    const overflowsBefore = buffered.metrics.resumeBufferOverflows;

    bufferedHistory.delayMs = 10; // 20 missed events: a backfill of 200 ms at least
    const cy = await w.client(buffered, 'cy');
    const resumed = cy.resume({ b2: pos });
    await sleep(40);
    const flooded = await flood('b2', 200); // far more than the buffer holds, while the backfill runs
    bufferedHistory.delayMs = 0;
    const synced = await resumed;
    const all = [...missed, ...flooded];
    await cy.until('every event', () => cy.events('b2').length >= all.length, 10_000);
    await sleep(100);
    expect(seqs(cy.events('b2'))).toEqual(all);
    expect(cy.frames.filter((f) => f.type === 'truncated')).toEqual([]);
    expect(synced.rooms.b2).toBeGreaterThanOrEqual(missed.at(-1)!);
    expect(buffered.metrics.resumeBufferOverflows).toBeGreaterThan(overflowsBefore);
    expect(buffered.metrics.resumeBufferPeak).toBeLessThanOrEqual(BUFFER_MAX);
  });

  it('a flood during a capped backfill: truncated gaps plus live events cover every event exactly once', async () => {
    await w.fake.createRoom('b3', 'dee', ['bo']);
    const pos = await positionOf(capped, 'dee', 'b3');
    const missed: number[] = [];
    for (let i = 0; i < 30; i++) missed.push(await w.fake.message('b3', 'bo', `m${i}`));

    cappedHistory.delayMs = 10;
    const dee = await w.client(capped, 'dee');
    const resumed = dee.resume({ b3: pos });
    await sleep(40);
    const flooded = await flood('b3', 300);
    cappedHistory.delayMs = 0;
    await resumed;
    const all = [...missed, ...flooded];
    const last = all.at(-1)!;
    await dee.until('up to the last event', () => dee.events('b3').some((f) => f.seq === last) || dee.frames.some((f) => f.type === 'truncated' && f.upto >= last), 10_000);
    const live = await w.fake.message('b3', 'bo', 'after the flood');
    await dee.until('live', () => dee.events('b3').some((f) => f.seq === live));
    await sleep(100);
    const sent = seqs(dee.events('b3'));
    expect(isAscendingUnique(sent)).toBe(true);
    expect(sent.length).toBeLessThan(all.length); // some of it was left to HTTP
    expect(await heldAfterGaps(dee, 'b3', cappedHistory)).toEqual([...all, live]);
    expect(capped.metrics.resumeBufferPeak).toBeLessThanOrEqual(BUFFER_MAX);
  });

  it('a leave inside the skipped range still ends delivery at the leave (the gap up to it, the leave, nothing after)', async () => {
    await w.fake.createRoom('b4', 'eli', ['bo']);
    const pos = await positionOf(capped, 'eli', 'b4');
    const missed: number[] = [];
    for (let i = 0; i < 60; i++) missed.push(await w.fake.message('b4', 'bo', `m${i}`));
    let leave = 0;
    onSnapshotTaken = async () => {
      // Committed after the snapshot said "member", before the cursor attaches: only the stream has it.
      leave = await w.fake.leave('b4', 'eli');
      for (let i = 0; i < 5; i++) await w.fake.message('b4', 'bo', `after leave ${i}`);
    };
    const eli = await w.client(capped, 'eli');
    const synced = await eli.resume({ b4: pos });
    expect(synced.rooms.b4).toBeUndefined();
    expect(eli.frames.filter((f) => f.type === 'truncated')).toEqual([{ type: 'truncated', room: 'b4', after: missed[MAX_EVENTS - 1], upto: leave - 1 }]);
    await w.fake.message('b4', 'bo', 'not for eli');
    await sleep(150);
    expect(seqs(eli.events('b4'))).toEqual([...missed.slice(0, MAX_EVENTS), leave]);
    expect(eli.events('b4').at(-1)!.event).toMatchObject({ type: 'MemberLeft', data: { userId: 'eli' } });
  });
});
