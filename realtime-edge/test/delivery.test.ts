import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { seqs, sleep, texts, World } from './harness';

const w = new World();
let edgeA: EdgeHandle;
let edgeB: EdgeHandle;

beforeAll(async () => {
  await w.start();
  edgeA = await w.edge();
  edgeB = await w.edge();
});
afterAll(() => w.stop());

describe('live delivery', () => {
  it('hello, then nothing before resume, then events to both members in order with seqs', async () => {
    await w.fake.createRoom('r1', 'alice', ['bob']);
    const alice = await w.client(edgeA, 'alice');
    const bob = await w.client(edgeA, 'bob');
    const hello = await alice.frame('hello', (f) => f.type === 'hello');
    expect(hello).toMatchObject({ userId: 'alice', node: 'edge-test-0' });
    expect(typeof hello.connId).toBe('string');
    await w.fake.message('r1', 'alice', 'before resume');
    await sleep(100);
    expect(alice.events()).toHaveLength(0);

    const sa = await alice.resume({});
    const sb = await bob.resume({});
    expect(sa.rooms.r1).toBe(w.fake.roomLastSeq.get('r1'));
    expect(sb.rooms.r1).toBe(w.fake.roomLastSeq.get('r1'));

    const sent: number[] = [];
    for (let i = 0; i < 20; i++) sent.push(await w.fake.message('r1', i % 2 ? 'alice' : 'bob', `m${i}`));
    for (const c of [alice, bob]) {
      await c.until('20 events', () => c.events('r1').length >= 20);
      expect(seqs(c.events('r1'))).toEqual(sent);
      expect(texts(c.events('r1'))).toEqual(sent.map((_, i) => `m${i}`));
    }
    const f = alice.events('r1')[0];
    expect(f).toMatchObject({ type: 'event', room: 'r1', event: { type: 'MessageSent', v: 1, data: { roomId: 'r1' } } });
  });

  it('a non-member receives nothing of a room', async () => {
    await w.fake.createRoom('secret', 'carol');
    const carol = await w.client(edgeA, 'carol');
    const dave = await w.client(edgeA, 'dave');
    await carol.resume({});
    const sd = await dave.resume({ secret: 0 });
    expect(sd.rooms).toEqual({});
    await w.fake.message('secret', 'carol', 'hush');
    await carol.until('event', () => carol.events('secret').length === 1);
    await sleep(200);
    expect(dave.events()).toHaveLength(0);
  });

  it('send over WS is acked with the seq and delivered to members', async () => {
    await w.fake.createRoom('r2', 'erin', ['frank']);
    const erin = await w.client(edgeA, 'erin');
    const frank = await w.client(edgeB, 'frank');
    await erin.resume({});
    await frank.resume({});
    const ack = await erin.request({ type: 'send', id: 'q1', roomId: 'r2', clientMsgId: 'c1', text: 'hi frank' });
    expect(ack.type).toBe('ack');
    const seq = ack.result.seq;
    expect(seq).toBeGreaterThan(0);
    for (const c of [erin, frank]) {
      const ev = await c.frame('the sent message', (f) => f.type === 'event' && f.seq === seq);
      expect(ev.event.data.text).toBe('hi frank');
    }
    const denied = await frank.request({ type: 'send', id: 'q2', roomId: 'r1', clientMsgId: 'c2', text: 'not mine' });
    expect(denied).toMatchObject({ type: 'error', id: 'q2', code: 'not_member' });
    frank.send({ type: 'ping', id: 'p' });
    await frank.frame('pong', (f) => f.type === 'pong' && f.id === 'p');
  });
});

describe('resume', () => {
  for (const second of [false, true]) {
    it(`after a disconnect, exactly the missed events then live${second ? ' (on a second edge)' : ''}`, async () => {
      const room = second ? 'rz' : 'ry';
      await w.fake.createRoom(room, 'gina', ['hank']);
      const g1 = await w.client(edgeA, 'gina');
      await g1.resume({});
      const first: number[] = [];
      for (let i = 0; i < 3; i++) first.push(await w.fake.message(room, 'hank', `a${i}`));
      await g1.until('3 events', () => g1.events(room).length === 3);
      const lastSeq = g1.events(room).at(-1)!.seq;
      g1.close();
      await g1.waitClosed();

      const missed: number[] = [];
      for (let i = 0; i < 60; i++) missed.push(await w.fake.message(room, 'hank', `b${i}`));

      const g2 = await w.client(second ? edgeB : edgeA, 'gina');
      const synced = await g2.resume({ [room]: lastSeq });
      expect(synced.rooms[room]).toBe(missed.at(-1));
      expect(seqs(g2.events(room))).toEqual(missed);
      const live: number[] = [];
      for (let i = 0; i < 3; i++) live.push(await w.fake.message(room, 'hank', `c${i}`));
      await g2.until('live events', () => g2.events(room).length === missed.length + 3);
      await sleep(100);
      expect(seqs(g2.events(room))).toEqual([...missed, ...live]);
    });
  }

  it('resume while events are being appended: no gap, no duplicate', async () => {
    await w.fake.createRoom('busy', 'ivan', ['judy']);
    const all: number[] = [];
    for (let i = 0; i < 10; i++) all.push(await w.fake.message('busy', 'judy', `x${i}`));
    const ivan = await w.client(edgeB, 'ivan');
    const writer = (async () => {
      for (let i = 0; i < 40; i++) all.push(await w.fake.message('busy', 'judy', `y${i}`));
    })();
    await ivan.resume({ busy: all[2] });
    await writer;
    await ivan.until('all', () => ivan.events('busy').length >= all.length - 3);
    await sleep(150);
    expect(seqs(ivan.events('busy'))).toEqual(all.slice(3));
  });
});

describe('what a resume from 0 delivers', () => {
  it('delivery starts at the user\'s own MemberJoined: the creator does not get RoomCreated, a later member nothing before its join', async () => {
    const created = await w.fake.append('ev.room.z0.meta', { type: 'RoomCreated', data: { roomId: 'z0', name: 'z0', topic: '', visibility: 'public', createdBy: 'zed' } }, 'zed');
    const ownerJoined = await w.fake.join('z0', 'zed', 'owner');
    const before = await w.fake.message('z0', 'zed', 'before yan');
    const yanJoined = await w.fake.join('z0', 'yan');
    const after = await w.fake.message('z0', 'zed', 'after yan');
    const zed = await w.client(edgeA, 'zed');
    const yan = await w.client(edgeA, 'yan');
    await zed.resume({ z0: 0 });
    await yan.resume({ z0: 0 });
    expect(seqs(zed.events('z0'))).toEqual([ownerJoined, before, yanJoined, after]);
    expect(zed.events('z0').some((f) => f.seq === created)).toBe(false);
    expect(seqs(yan.events('z0'))).toEqual([yanJoined, after]);
  });
});

describe('membership', () => {
  it('join starts delivery at the join event; leave stops it right after the leave event', async () => {
    await w.fake.createRoom('club', 'kate');
    const leo = await w.client(edgeA, 'leo');
    const leo2 = await w.client(edgeB, 'leo', 'leo-phone');
    await leo.resume({});
    await leo2.resume({});
    await w.fake.message('club', 'kate', 'before join');
    const ack = await leo.request({ type: 'join', id: 'j', roomId: 'club' });
    expect(ack.type).toBe('ack');
    const joinSeq = ack.result.seq;
    const m1 = await w.fake.message('club', 'kate', 'after join');
    for (const c of [leo, leo2]) {
      await c.until('join + message', () => c.events('club').length === 2);
      expect(seqs(c.events('club'))).toEqual([joinSeq, m1]);
      expect(c.events('club')[0].event).toMatchObject({ type: 'MemberJoined', data: { userId: 'leo' } });
    }
    const leave = await leo.request({ type: 'leave', id: 'l', roomId: 'club' });
    const leaveSeq = leave.result.seq;
    await w.fake.message('club', 'kate', 'after leave');
    for (const c of [leo, leo2]) await c.until('leave event', () => c.events('club').some((f) => f.seq === leaveSeq));
    await sleep(200);
    for (const c of [leo, leo2]) {
      expect(seqs(c.events('club'))).toEqual([joinSeq, m1, leaveSeq]);
      expect(c.events('club').at(-1)!.event).toMatchObject({ type: 'MemberLeft', data: { userId: 'leo' } });
    }
    // Rejoin starts again at the new join event.
    const rejoin = await w.fake.join('club', 'leo');
    const m3 = await w.fake.message('club', 'kate', 'after rejoin');
    await leo.until('rejoin', () => leo.events('club').length === 5);
    expect(seqs(leo.events('club'))).toEqual([joinSeq, m1, leaveSeq, rejoin, m3]);
  });
});
