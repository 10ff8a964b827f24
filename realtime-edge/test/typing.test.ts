import { jetstreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '@natter/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { sleep, World } from './harness';

const w = new World();
let edgeA: EdgeHandle;
let edgeB: EdgeHandle;

beforeAll(async () => {
  await w.start();
  edgeA = await w.edge();
  edgeB = await w.edge();
});
afterAll(() => w.stop());

const typings = (frames: Record<string, any>[]) => frames.filter((f) => f.type === 'typing');
const streamMessages = async () => (await (await jetstreamManager(w.nc)).streams.info(Streams.events)).state.messages;

describe('typing', () => {
  it('reaches the other member on another edge, not the sender\'s own sockets, not a non-member; never stored', async () => {
    await w.fake.createRoom('t1', 'alice', ['bob']);
    await w.fake.createRoom('t2', 'carol', ['alice']);
    const alice = await w.client(edgeA, 'alice');
    const alice2 = await w.client(edgeB, 'alice');
    const bob = await w.client(edgeB, 'bob');
    const carol = await w.client(edgeB, 'carol');
    for (const c of [alice, alice2, bob, carol]) await c.resume({});

    // Everything on the typing subjects, to prove the signal travelled over core NATS.
    const seen: string[] = [];
    const tap = w.nc.subscribe(Subjects.typingAll, { callback: (_e, m) => void seen.push(m.subject) });
    await w.nc.flush();
    const before = await streamMessages();

    alice.send({ type: 'typing', roomId: 't1' });
    const f = await bob.frame('typing', (x) => x.type === 'typing');
    expect(f).toEqual({ type: 'typing', room: 't1', userId: 'alice' });
    await sleep(300);
    expect(typings(alice.frames)).toEqual([]);
    expect(typings(alice2.frames)).toEqual([]);
    expect(typings(carol.frames)).toEqual([]);
    expect(seen).toEqual([Subjects.typing('t1')]);
    expect(await streamMessages()).toBe(before);
    tap.unsubscribe();
  });

  it('is rate limited per room (extra frames dropped silently) and refused for non-members', async () => {
    await w.fake.createRoom('t3', 'dan', ['erin']);
    await w.fake.createRoom('t4', 'dan', ['erin']);
    const dan = await w.client(edgeA, 'dan');
    const erin = await w.client(edgeB, 'erin');
    const frank = await w.client(edgeA, 'frank');
    for (const c of [dan, erin, frank]) await c.resume({});

    for (let i = 0; i < 5; i++) dan.send({ type: 'typing', roomId: 't3' });
    dan.send({ type: 'typing', roomId: 't4' });
    await erin.until('two typing frames', () => typings(erin.frames).length >= 2);
    await sleep(300);
    expect(typings(erin.frames).map((x) => x.room).sort()).toEqual(['t3', 't4']);
    expect(dan.frames.filter((x) => x.type === 'error')).toEqual([]);

    frank.send({ type: 'typing', roomId: 't3' });
    const err = await frank.frame('error', (x) => x.type === 'error');
    expect(err.code).toBe('not_member');
    await sleep(200);
    expect(typings(erin.frames)).toHaveLength(2);
  });

  it('stops at the leave: a member who left gets no more typing of the room', async () => {
    await w.fake.createRoom('t5', 'gina', ['hank', 'ivan']);
    const gina = await w.client(edgeA, 'gina');
    const hank = await w.client(edgeB, 'hank');
    const ivan = await w.client(edgeB, 'ivan'); // still a member, on the same edge as hank
    for (const c of [gina, hank, ivan]) await c.resume({});
    await w.fake.leave('t5', 'hank');
    await hank.until('own MemberLeft', () => hank.events('t5').some((e) => e.event.type === 'MemberLeft'));
    await ivan.until('hank left', () => ivan.events('t5').some((e) => e.event.type === 'MemberLeft'));
    gina.send({ type: 'typing', roomId: 't5' });
    // the signal is relayed (ivan gets it), just not to the one who left
    await ivan.frame('typing', (x) => x.type === 'typing');
    await sleep(200);
    expect(typings(hank.frames)).toEqual([]);
  });
});
