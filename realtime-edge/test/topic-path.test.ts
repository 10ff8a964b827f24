import { headers as natsHeaders } from '@nats-io/transport-node';
import { encodeEvent, newId, Subjects } from '@natter/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { World, type Client } from './harness';

/**
 * The topic path (src/live-topic.ts): live members that keep up get a room's events from one uWS publish per
 * event; the others per socket. These tests drive real sockets through real uWS and NATS under a flood of
 * events and check what a client would: every event of the room once, in stream order, from where it started,
 * and nothing after its own leave.
 */
const w = new World();
beforeAll(() => w.start());
afterAll(() => w.stop());

/**
 * A 16 MiB backpressure bound: topic members leave the topic past 1 MiB buffered (bound / 16), far from the
 * per-socket close at 16 MiB, so a socket that stops reading for a while moves off the topic and back without
 * being closed. No replay cap: a resume during the flood gets every event rather than `truncated`.
 */
const edgeEnv = { EDGE_BACKPRESSURE_BYTES: String(16 * 1024 * 1024), EDGE_RESUME_MAX_EVENTS: '1000000' };

/** Appends `n` messages to the room straight to the stream, `inFlight` at a time; returns their seqs. */
async function flood(roomId: string, n: number, textChars: number, inFlight = 64): Promise<number[]> {
  const seqs: number[] = [];
  const text = 'y'.repeat(textChars);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      const { body, headers } = encodeEvent({ type: 'MessageSent', data: { roomId, messageId: newId(), senderId: 'sender', clientMsgId: newId(), text } }, 'sender');
      const h = natsHeaders();
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
      seqs.push((await w.js.publish(Subjects.roomMsg(roomId), body, { headers: h })).seq);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return seqs.sort((a, b) => a - b);
}

/** The message seqs a client received in `room`, checked strictly ascending (no duplicate, no reordering). */
function messageSeqs(c: Client, room: string): number[] {
  const seqs = c.events(room).map((f) => f.seq as number);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `event ${i} after ${seqs[i - 1]}`).toBeGreaterThan(seqs[i - 1]);
  return c.events(room).filter((f) => f.event.type === 'MessageSent').map((f) => f.seq as number);
}

const lastSeqOf = (c: Client, room: string) => (c.events(room).at(-1)?.seq as number | undefined) ?? 0;

/** Waits until the edge has `n` topic subscriptions (sockets on a room topic). */
async function onTopic(edge: EdgeHandle, n: number, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (edge.metrics.topicSubscriptions !== n) {
    if (Date.now() > deadline) throw new Error(`${what}: ${edge.metrics.topicSubscriptions} sockets on a topic, expected ${n}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('sockets join the topic mid-flood from behind (resume) and from the live edge: each sees every event once, in order', async () => {
  const edge = await w.edge({}, edgeEnv);
  const users = Array.from({ length: 8 }, (_, i) => `mv${i}`);
  await w.fake.createRoom('moves', users[0], users.slice(1));
  const early = await Promise.all(users.slice(0, 4).map((u) => w.client(edge, u)));
  for (const c of early) await c.resume({});
  const warm = await flood('moves', 20, 100);
  await onTopic(edge, 4, 'the four live sockets');
  const joinsBefore = edge.metrics.topicJoins;

  // While the flood runs, four more sockets resume: from 0 (the whole room, from their join) and from the
  // middle of the warm-up; each backfills per socket while live events are buffered, then joins the topic.
  const flooding = flood('moves', 3000, 600);
  const late: { c: Client; from: number }[] = [];
  for (const [i, u] of users.slice(4).entries()) {
    await new Promise((r) => setTimeout(r, 40));
    const c = await w.client(edge, u);
    const from = i % 2 === 0 ? 0 : warm[10];
    await c.resume({ moves: from });
    late.push({ c, from });
  }
  const seqs = [...warm, ...(await flooding)];
  const last = seqs.at(-1)!;
  for (const c of [...early, ...late.map((l) => l.c)]) await c.until('the last event', () => lastSeqOf(c, 'moves') === last, 20_000);

  const all = seqs;
  for (const c of early) expect(messageSeqs(c, 'moves')).toEqual(all);
  for (const { c, from } of late) expect(messageSeqs(c, 'moves')).toEqual(all.filter((s) => s > from));
  await onTopic(edge, 8, 'every socket, once caught up');
  expect(edge.metrics.topicJoins - joinsBefore).toBeGreaterThanOrEqual(4);
  expect(edge.metrics.topicPublishes).toBeGreaterThan(0);
  for (const c of [...early, ...late.map((l) => l.c)]) expect(c.closed).toBeUndefined();
});

it('a member removed while on the topic gets the leave and nothing after it; the others get everything', async () => {
  const edge = await w.edge({}, edgeEnv);
  await w.fake.createRoom('gated', 'ga', ['gb', 'gc']);
  const [a, b, c] = await Promise.all(['ga', 'gb', 'gc'].map((u) => w.client(edge, u)));
  for (const x of [a, b, c]) await x.resume({});
  const before = await flood('gated', 10, 100);
  await onTopic(edge, 3, 'three members');

  const flooding = flood('gated', 1500, 300);
  await new Promise((r) => setTimeout(r, 30));
  const leaveSeq = await w.fake.append(Subjects.roomMeta('gated'), { type: 'MemberLeft', data: { roomId: 'gated', userId: 'gc', reason: 'removed', removedBy: 'ga' } }, 'ga');
  const seqs = [...before, ...(await flooding)];
  const last = seqs.at(-1)!;
  for (const x of [a, b]) await x.until('the last event', () => lastSeqOf(x, 'gated') === last, 20_000);
  // A fence: the pong is written to c's socket after anything the edge sent it before, and every event after
  // the leave was dispatched before a and b got the last one.
  c.send({ type: 'ping', id: 'fence' });
  await c.frame('pong', (f) => f.type === 'pong' && f.id === 'fence');

  expect(seqs.some((s) => s > leaveSeq), 'the flood continued past the leave').toBe(true);
  for (const x of [a, b]) expect(messageSeqs(x, 'gated')).toEqual(seqs);
  const cEvents = c.events('gated');
  expect(cEvents.at(-1)!.event.type).toBe('MemberLeft');
  expect(cEvents.at(-1)!.seq).toBe(leaveSeq);
  expect(messageSeqs(c, 'gated')).toEqual(seqs.filter((s) => s < leaveSeq));
  expect(c.closed).toBeUndefined();
  await onTopic(edge, 2, 'the two remaining members');
});

it('a socket that stops reading falls back to the per-socket path without loss, then rejoins the topic', async () => {
  const edge = await w.edge({}, edgeEnv);
  await w.fake.createRoom('slowpoke', 'sa', ['sb', 'sc']);
  const [a, b, c] = await Promise.all(['sa', 'sb', 'sc'].map((u) => w.client(edge, u)));
  for (const x of [a, b, c]) await x.resume({});
  const seqs = await flood('slowpoke', 10, 100);
  await onTopic(edge, 3, 'three members');

  const socket = (b.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  socket.pause();
  // Flood until b's buffer (past the kernel's) passes the topic's slow mark and the edge moves it off.
  for (let batch = 0; batch < 60 && edge.metrics.topicSlowLeaves === 0; batch++) seqs.push(...(await flood('slowpoke', 200, 4000)));
  expect(edge.metrics.topicSlowLeaves).toBe(1);
  seqs.push(...(await flood('slowpoke', 200, 4000))); // delivered to b per socket while it is not reading
  socket.resume();
  seqs.push(...(await flood('slowpoke', 50, 100)));
  seqs.sort((x, y) => x - y);
  const last = seqs.at(-1)!;
  for (const x of [a, b, c]) await x.until('the last event', () => lastSeqOf(x, 'slowpoke') === last, 30_000);

  for (const x of [a, b, c]) expect(messageSeqs(x, 'slowpoke')).toEqual(seqs);
  expect(b.closed).toBeUndefined();
  expect(edge.metrics.slowConsumerCloses).toBe(0);
  // Caught up again: the next event moves it back onto the topic.
  seqs.push(...(await flood('slowpoke', 5, 100)));
  await onTopic(edge, 3, 'b back on the topic');
});
