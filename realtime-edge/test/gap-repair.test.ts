import { Subjects } from '@natter/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { History, LiveEvents, LiveMessage, MembershipSource, RawEvent } from '../src/ports';
import { seqs, sleep, texts, World } from './harness';

/**
 * Decorates the real NATS event source: while `dropping(m)` holds, republished messages are thrown away, as
 * an at-most-once republish may do; `reconnect()` plays a NATS reconnect to the edge.
 */
class LossySource implements LiveEvents {
  dropping: (m: LiveMessage) => boolean = () => false;
  dropped: number[] = [];
  private reconnectCbs: (() => void)[] = [];
  constructor(private readonly real: LiveEvents) {}
  subscribe(subject: string, on: (m: LiveMessage) => void) {
    return this.real.subscribe(subject, (m) => {
      if (this.dropping(m)) this.dropped.push(m.seq);
      else on(m);
    });
  }
  onReconnect(cb: () => void) {
    this.reconnectCbs.push(cb);
  }
  isConnected() {
    return this.real.isConnected();
  }
  reconnect() {
    for (const cb of this.reconnectCbs) cb();
  }
}

/** Decorates the real history: while `failing(filter)` holds, reading that subject fails (a NATS read error). */
class FailingHistory implements History {
  failing: (filter: string) => boolean = () => false;
  constructor(private readonly real: History) {}
  streamState() {
    return this.real.streamState();
  }
  lastSeqOf(subject: string) {
    return this.real.lastSeqOf(subject);
  }
  eventsAfter(filter: string, afterSeq: number, uptoSeq?: number): AsyncIterable<RawEvent> {
    if (!this.failing(filter)) return this.real.eventsAfter(filter, afterSeq, uptoSeq);
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('injected read failure')) }),
    };
  }
}

const w = new World();
let lossy: LossySource;
let failing: FailingHistory;
let edge: EdgeHandle;
let snapshotDelayMs = 0;
let onSnapshotTaken: (() => Promise<void>) | undefined;

beforeAll(async () => {
  await w.start();
  edge = await w.edge({
    liveEvents: (real) => (lossy = new LossySource(real)),
    history: (real) => (failing = new FailingHistory(real)),
    membership: (real): MembershipSource => ({
      async userRooms(userId, minSeq) {
        const snap = await real.userRooms(userId, minSeq);
        if (onSnapshotTaken) await onSnapshotTaken();
        if (snapshotDelayMs) await sleep(snapshotDelayMs);
        return snap;
      },
    }),
  });
});
afterAll(() => w.stop());

describe('gap repair', () => {
  it('lost republished messages on a room subject are fetched before the next one: every event once, in order', async () => {
    await w.fake.createRoom('g1', 'ann', ['bo']);
    const ann = await w.client(edge, 'ann');
    await ann.resume({});
    const all: number[] = [await w.fake.message('g1', 'bo', 'm0')];
    await ann.until('m0', () => ann.events('g1').length === 1);

    lossy.dropping = (m) => m.subject === 'ev.room.g1.msg';
    for (let i = 1; i <= 3; i++) all.push(await w.fake.message('g1', 'bo', `m${i}`));
    await sleep(150);
    expect(lossy.dropped).toEqual(all.slice(1));
    expect(ann.events('g1')).toHaveLength(1);

    lossy.dropping = () => false;
    all.push(await w.fake.message('g1', 'bo', 'm4'));
    await ann.until('all 5', () => ann.events('g1').length === 5);
    await sleep(100);
    expect(seqs(ann.events('g1'))).toEqual(all);
    expect(edge.metrics.gapsRepaired).toBeGreaterThanOrEqual(1);
    expect(edge.metrics.gapEventsFetched).toBeGreaterThanOrEqual(3);
  });

  it('a message sent and deleted inside the gap is repaired without its text, then its delete', async () => {
    const { reader: ann, kept } = await readerHoldingOne('g4', 'ann', 'bo');
    const redactionsBefore = edge.metrics.gapRedactions;

    lossy.dropping = (m) => m.subject === 'ev.room.g4.msg';
    const secret = await w.fake.message('g4', 'bo', 'the secret nobody should read');
    const shown = await w.fake.message('g4', 'bo', 'shown');
    const del = await w.fake.deleteMessage('g4', secret, 'bo');
    await sleep(150);
    lossy.dropping = () => false;
    const next = await w.fake.message('g4', 'bo', 'next');

    await ann.until('all 5', () => ann.events('g4').length === 5);
    const got = ann.events('g4');
    expect(seqs(got)).toEqual([kept, secret, shown, del, next]);
    expect(texts(got)).toEqual(['kept', '', 'shown', 'next']);
    expect(JSON.stringify(got)).not.toContain('secret nobody');
    expect(edge.metrics.gapRedactions).toBe(redactionsBefore + 1);
  });

  it('a lost meta event is repaired when the next meta event of that room arrives', async () => {
    await w.fake.createRoom('g2', 'cy');
    const cy = await w.client(edge, 'cy');
    await cy.resume({});
    lossy.dropping = (m) => m.subject === 'ev.room.g2.meta';
    const j = await w.fake.join('g2', 'di');
    await sleep(100);
    lossy.dropping = () => false;
    const l = await w.fake.leave('g2', 'di');
    await cy.until('join + leave', () => cy.events('g2').length === 2);
    expect(seqs(cy.events('g2'))).toEqual([j, l]);
  });

  it('a lost MemberJoined for a local user is repaired and delivery starts at it', async () => {
    await w.fake.createRoom('g3', 'eve');
    const fay = await w.client(edge, 'fay');
    await fay.resume({});
    lossy.dropping = (m) => m.subject === 'ev.room.g3.meta';
    const j = await w.fake.join('g3', 'fay');
    await sleep(100);
    expect(fay.events('g3')).toHaveLength(0);
    lossy.dropping = () => false;
    const j2 = await w.fake.join('g3', 'gus');
    const m = await w.fake.message('g3', 'eve', 'welcome');
    await fay.until('3 events', () => fay.events('g3').length === 3);
    expect(seqs(fay.events('g3'))).toEqual([j, j2, m]);
  });
});

/** `reader`'s room with `sender`, the reader connected and holding one message ('kept') of the sender's. */
async function readerHoldingOne(roomId: string, reader: string, sender: string) {
  await w.fake.createRoom(roomId, reader, [sender]);
  const client = await w.client(edge, reader);
  await client.resume({});
  const kept = await w.fake.message(roomId, sender, 'kept');
  await client.until('kept', () => client.events(roomId).length === 1);
  return { reader: client, kept };
}

describe('NATS reconnect', () => {
  it('every active room is re-read from its last delivered seq; joins and revocations meanwhile apply', async () => {
    await w.fake.createRoom('h1', 'hal', ['ida']);
    await w.fake.createRoom('h2', 'ida');
    const hal = await w.client(edge, 'hal');
    const halOld = await w.client(edge, 'hal', 'hal-old');
    await hal.resume({});
    await halOld.resume({});
    const before = await w.fake.message('h1', 'ida', 'before');
    await hal.until('before', () => hal.events('h1').length === 1);

    lossy.dropping = () => true; // the connection is "down": everything republished meanwhile is lost
    const missed: number[] = [];
    for (let i = 0; i < 5; i++) missed.push(await w.fake.message('h1', 'ida', `x${i}`));
    const joined = await w.fake.join('h2', 'hal');
    const inH2 = await w.fake.message('h2', 'ida', 'hello hal');
    await w.fake.revoke('hal', 'hal-old');
    await sleep(150);
    expect(hal.events()).toHaveLength(1);

    lossy.dropping = () => false;
    lossy.reconnect();
    await hal.until('missed h1', () => hal.events('h1').length === 6);
    await hal.until('h2 from the join', () => hal.events('h2').length === 2);
    expect((await halOld.waitClosed()).code).toBe(4102);
    const after = await w.fake.message('h1', 'ida', 'after');
    await hal.until('live again', () => hal.events('h1').length === 7);
    await sleep(100);
    expect(seqs(hal.events('h1'))).toEqual([before, ...missed, after]);
    expect(seqs(hal.events('h2'))).toEqual([joined, inH2]);
  });
});

describe('NATS reconnect: deleted messages', () => {
  it('a message sent and deleted while disconnected is re-read without its text, then its delete', async () => {
    const { reader: jan, kept } = await readerHoldingOne('h3', 'jan', 'kit');
    const redactionsBefore = edge.metrics.gapRedactions;

    lossy.dropping = () => true; // disconnected: nothing published meanwhile reaches the node live
    const secret = await w.fake.message('h3', 'kit', 'the secret said while jan was away');
    const shown = await w.fake.message('h3', 'kit', 'shown');
    const del = await w.fake.deleteMessage('h3', secret, 'kit');
    await sleep(150);
    lossy.dropping = () => false;
    lossy.reconnect();

    await jan.until('the re-read', () => jan.events('h3').length === 4);
    const got = jan.events('h3');
    expect(seqs(got)).toEqual([kept, secret, shown, del]);
    expect(texts(got)).toEqual(['kept', '', 'shown']);
    expect(JSON.stringify(got)).not.toContain('secret said');
    expect(edge.metrics.gapRedactions).toBe(redactionsBefore + 1);
  });
});

describe('membership snapshot race', () => {
  it('a join committed while the snapshot is in flight is applied from its event', async () => {
    await w.fake.createRoom('k1', 'jo');
    const kim = await w.client(edge, 'kim');
    let joinSeq = 0;
    let msgSeq = 0;
    onSnapshotTaken = async () => {
      onSnapshotTaken = undefined;
      joinSeq = await w.fake.join('k1', 'kim');
      msgSeq = await w.fake.message('k1', 'jo', 'hi kim');
    };
    const synced = await kim.resume({});
    onSnapshotTaken = undefined;
    await kim.until('join + message', () => kim.events('k1').length === 2);
    expect(seqs(kim.events('k1'))).toEqual([joinSeq, msgSeq]);
    expect(synced.rooms.k1 === undefined || synced.rooms.k1 === msgSeq).toBe(true);
  });

  it('a leave committed while the snapshot is in flight stops delivery at the leave', async () => {
    await w.fake.createRoom('k2', 'lu', ['mo']);
    const mo = await w.client(edge, 'mo');
    let leaveSeq = 0;
    onSnapshotTaken = async () => {
      onSnapshotTaken = undefined;
      leaveSeq = await w.fake.leave('k2', 'mo');
    };
    snapshotDelayMs = 100;
    const synced = await mo.resume({});
    snapshotDelayMs = 0;
    await w.fake.message('k2', 'lu', 'mo is gone');
    await sleep(200);
    expect(seqs(mo.events('k2'))).toEqual([leaveSeq]);
    expect(synced.rooms.k2).toBeUndefined();
  });
});

describe('a failed gap repair of a room subject', () => {
  it("closes the room's sockets with 4002 instead of going on past the gap; a resume gets the lost event", async () => {
    await w.fake.createRoom('f1', 'pam', ['quin']);
    const quin = await w.client(edge, 'quin');
    const synced = await quin.resume({});
    lossy.dropping = (m) => m.subject === 'ev.room.f1.msg';
    const lost = await w.fake.message('f1', 'pam', 'lost');
    for (let i = 0; i < 100 && !lossy.dropped.includes(lost); i++) await sleep(20);
    expect(lossy.dropped).toContain(lost);
    lossy.dropping = () => false;
    failing.failing = (f) => f === 'ev.room.f1.msg';
    const next = await w.fake.message('f1', 'pam', 'next');
    expect((await quin.waitClosed()).code).toBe(4002);
    expect(seqs(quin.events('f1'))).not.toContain(next);
    failing.failing = () => false;
    const again = await w.client(edge, 'quin');
    await again.resume({ f1: synced.rooms.f1 });
    expect(seqs(again.events('f1'))).toEqual([lost, next]);
  });
});

describe('a failed read of a user subject', () => {
  const profile = (userId: string, displayName: string) =>
    w.fake.append(Subjects.user(userId), { type: 'ProfileUpdated', data: { userId, displayName } }, userId);
  const userSeqs = (c: { frames: Record<string, any>[] }) => c.frames.filter((f) => f.type === 'user_event').map((f) => f.seq as number);
  async function resumeUser(userId: string, user: number | 'now', sessionId?: string) {
    const c = await w.client(edge, userId, sessionId);
    c.send({ type: 'resume', epoch: (await c.hello()).epoch, rooms: {}, user });
    return { c, synced: await c.frame('synced', (f) => f.type === 'synced') };
  }
  /** Lose the next event of the user's subject on the way to the edge; returns its seq once it is lost. */
  async function loseOne(userId: string, name: string): Promise<number> {
    lossy.dropping = (m) => m.subject === Subjects.user(userId);
    const seq = await profile(userId, name);
    for (let i = 0; i < 100 && !lossy.dropped.includes(seq); i++) await sleep(20);
    expect(lossy.dropped).toContain(seq);
    lossy.dropping = () => false;
    return seq;
  }

  it("gap repair fails: the user's sockets close with 4002 (not a silent loss) and a resume gets the lost event", async () => {
    const { c: nia, synced } = await resumeUser('nia', 'now');
    const lost = await loseOne('nia', 'n1');
    failing.failing = (f) => f === Subjects.user('nia');
    const next = await profile('nia', 'n2');
    expect((await nia.waitClosed()).code).toBe(4002);
    expect(userSeqs(nia)).not.toContain(lost);
    failing.failing = () => false;
    const { c: again } = await resumeUser('nia', synced.user);
    expect(userSeqs(again)).toEqual([lost, next]);
  });

  it("the resync after a NATS reconnect fails: the user's sockets close with 4002 and a resume gets the lost event", async () => {
    const { c: ora, synced } = await resumeUser('ora', 'now');
    const lost = await loseOne('ora', 'o1');
    failing.failing = (f) => f === Subjects.user('ora');
    lossy.reconnect();
    expect((await ora.waitClosed()).code).toBe(4002);
    failing.failing = () => false;
    const { c: again } = await resumeUser('ora', synced.user);
    expect(userSeqs(again)).toEqual([lost]);
  });
});
