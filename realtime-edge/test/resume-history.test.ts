import { Subjects } from '@natter/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { History } from '../src/ports';
import { seqs, sleep, World } from './harness';

/** Counts the History calls the edge makes (through the port), by subject. */
class CountingHistory implements History {
  readonly lastSeqOfCalls: string[] = [];
  readonly eventsAfterCalls: { filter: string; afterSeq: number; uptoSeq?: number }[] = [];
  constructor(private readonly real: History) {}
  streamState() {
    return this.real.streamState();
  }
  lastSeqOf(subject: string) {
    this.lastSeqOfCalls.push(subject);
    return this.real.lastSeqOf(subject);
  }
  eventsAfter(filter: string, afterSeq: number, uptoSeq?: number) {
    this.eventsAfterCalls.push({ filter, afterSeq, uptoSeq });
    return this.real.eventsAfter(filter, afterSeq, uptoSeq);
  }
  reset() {
    this.lastSeqOfCalls.length = 0;
    this.eventsAfterCalls.length = 0;
  }
}

const w = new World();
let edge: EdgeHandle;
let history: CountingHistory;

beforeAll(async () => {
  await w.start();
  edge = await w.edge({ history: (real) => (history = new CountingHistory(real)) });
});
afterAll(() => w.stop());

/** Connect, resume from scratch, read the room's position, disconnect. */
async function positionOf(userId: string, room: string): Promise<number> {
  const c = await w.client(edge, userId);
  const synced = await c.resume({});
  c.close();
  await c.waitClosed();
  return synced.rooms[room];
}

describe('resume reads a room as its two exact subjects', () => {
  it('an up-to-date client costs two last_by_subj lookups and no next_by_subj read', async () => {
    await w.fake.createRoom('u1', 'ann', ['bo']);
    await w.fake.message('u1', 'bo', 'hello');
    const pos = await positionOf('ann', 'u1');
    expect(pos).toBe(w.fake.roomLastSeq.get('u1'));

    history.reset();
    const ann = await w.client(edge, 'ann');
    const synced = await ann.resume({ u1: pos });
    expect(synced.rooms.u1).toBe(pos);
    expect(history.eventsAfterCalls).toEqual([]);
    expect(history.lastSeqOfCalls.filter((s) => s === 'ev.room.u1.meta')).toHaveLength(1);
    expect(history.lastSeqOfCalls.every((s) => !s.includes('>'))).toBe(true);
    const live = await w.fake.message('u1', 'bo', 'live');
    await ann.until('live event', () => ann.events('u1').length === 1);
    expect(seqs(ann.events('u1'))).toEqual([live]);
  });

  it('only the subject with newer events is read (messages only: meta is not read)', async () => {
    await w.fake.createRoom('u2', 'cy', ['dee']);
    const pos = await positionOf('dee', 'u2');
    const missed = [await w.fake.message('u2', 'cy', 'a'), await w.fake.message('u2', 'cy', 'b')];
    history.reset();
    const dee = await w.client(edge, 'dee');
    const synced = await dee.resume({ u2: pos });
    expect(seqs(dee.events('u2'))).toEqual(missed);
    expect(synced.rooms.u2).toBe(missed[1]);
    expect(history.eventsAfterCalls).toEqual([{ filter: 'ev.room.u2.msg', afterSeq: pos, uptoSeq: missed[1] }]);
  });

  for (const [label, n] of [['short (direct get)', 3], ['long (ordered consumers on both subjects)', 40]] as const) {
    it(`a ${label} gap spread over meta and msg is merged in seq order, each event once`, async () => {
      const room = `u3-${n}`;
      await w.fake.createRoom(room, 'eli', ['fox']);
      const pos = await positionOf('fox', room);
      const missed: number[] = [];
      for (let i = 0; i < n; i++) {
        missed.push(await w.fake.message(room, 'eli', `m${i}`));
        missed.push(await w.fake.join(room, `x${n}-${i}`));
        if (i % 3 === 0) missed.push(await w.fake.message(room, 'eli', `m${i}b`));
      }
      history.reset();
      const fox = await w.client(edge, 'fox');
      const synced = await fox.resume({ [room]: pos });
      expect(seqs(fox.events(room))).toEqual(missed);
      expect(synced.rooms[room]).toBe(missed.at(-1));
      expect(history.eventsAfterCalls.map((c) => c.filter).sort()).toEqual([`ev.room.${room}.meta`, `ev.room.${room}.msg`]);
      const live = await w.fake.message(room, 'eli', 'live');
      await fox.until('live', () => fox.events(room).length === missed.length + 1);
      await sleep(100);
      expect(seqs(fox.events(room))).toEqual([...missed, live]);
    });
  }

  it('resume while meta and msg events are being appended: no gap, no duplicate, ascending', async () => {
    await w.fake.createRoom('u4', 'gil', ['hal']);
    const pos = await positionOf('hal', 'u4');
    const all: number[] = [];
    for (let i = 0; i < 5; i++) all.push(await w.fake.message('u4', 'gil', `a${i}`), await w.fake.join('u4', `y${i}`));
    const hal = await w.client(edge, 'hal');
    const writer = (async () => {
      for (let i = 0; i < 30; i++) all.push(await (i % 2 ? w.fake.join('u4', `z${i}`) : w.fake.message('u4', 'gil', `b${i}`)));
    })();
    await hal.resume({ u4: pos });
    await writer;
    await hal.until('all', () => hal.events('u4').length >= all.length);
    await sleep(150);
    expect(seqs(hal.events('u4'))).toEqual(all);
  });
});

describe('resume with user reads ev.user.<me> only when the client is behind what the node dispatched', () => {
  const profile = (userId: string, displayName: string) =>
    w.fake.append(Subjects.user(userId), { type: 'ProfileUpdated', data: { userId, displayName } }, userId);
  const userEvents = (c: { frames: Record<string, any>[] }) => c.frames.filter((f) => f.type === 'user_event');
  const userCalls = () => ({
    lastSeqOf: history.lastSeqOfCalls.filter((s) => s === Subjects.user('ivy')),
    eventsAfter: history.eventsAfterCalls.filter((c) => c.filter === Subjects.user('ivy')),
  });
  const resumeUser = async (c: Awaited<ReturnType<typeof w.client>>, user: number | 'now') => {
    c.send({ type: 'resume', epoch: (await c.hello()).epoch, rooms: {}, user });
    return c.frame('synced', (f) => f.type === 'synced');
  };

  it("'now', and a reconnect to the same node at its position, cost no history request; a client behind still reads", async () => {
    const p0 = await profile('ivy', 'i0');
    const phone = await w.client(edge, 'ivy', 'ivy-phone');
    await resumeUser(phone, 'now');
    const p1 = await profile('ivy', 'i1');
    // Once the phone has p1, the node has dispatched it: its view of the user's subject is at p1.
    await phone.until('p1', () => userEvents(phone).some((f) => f.seq === p1));

    history.reset();
    const skippedBefore = edge.metrics.userBackfillsSkipped;
    const laptop = await w.client(edge, 'ivy', 'ivy-laptop');
    expect((await resumeUser(laptop, 'now')).user).toBe(p1);
    phone.close();
    await phone.waitClosed();
    const phone2 = await w.client(edge, 'ivy', 'ivy-phone');
    expect((await resumeUser(phone2, p1)).user).toBe(p1);
    expect(userCalls()).toEqual({ lastSeqOf: [], eventsAfter: [] });
    expect(edge.metrics.userBackfillsSkipped - skippedBefore).toBe(2);

    const p2 = await profile('ivy', 'i2');
    for (const c of [laptop, phone2]) await c.until('p2', () => userEvents(c).some((f) => f.seq === p2));
    await sleep(100);
    for (const c of [laptop, phone2]) expect(userEvents(c).map((f) => f.seq)).toEqual([p2]);

    // Behind the node's view: the missed events are read from history, as before.
    history.reset();
    const tablet = await w.client(edge, 'ivy', 'ivy-tablet');
    expect((await resumeUser(tablet, p0)).user).toBe(p2);
    expect(userEvents(tablet).map((f) => f.seq)).toEqual([p1, p2]);
    expect(userCalls().eventsAfter).toHaveLength(1);
  });
});
