import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { LiveEvents, LiveMessage, MembershipSource } from '../src/ports';
import { seqs, World } from './harness';

/**
 * The edge's membership cache (src/membership-cache.ts): a user's rooms are asked of query-api once, then kept
 * current from the membership events the edge receives, so reconnects cost no query, and what happened while
 * the user was away still applies (joins start rooms, leaves end them at the leave).
 */
class CountingMembership implements MembershipSource {
  calls = 0;
  hold: Promise<void> | null = null;
  constructor(private readonly real: MembershipSource) {}
  async userRooms(userId: string, minSeq: number) {
    this.calls++;
    const snap = await this.real.userRooms(userId, minSeq);
    await this.hold;
    return snap;
  }
}

/** Lets a test play a NATS reconnect to the edge. */
class ReconnectableSource implements LiveEvents {
  private cbs: (() => void)[] = [];
  constructor(private readonly real: LiveEvents) {}
  subscribe(subject: string, on: (m: LiveMessage) => void) {
    return this.real.subscribe(subject, on);
  }
  onReconnect(cb: () => void) {
    this.cbs.push(cb);
  }
  isConnected() {
    return this.real.isConnected();
  }
  reconnect() {
    for (const cb of this.cbs) cb();
  }
}

const w = new World();
let edge: EdgeHandle;
let queries: CountingMembership;
let live: ReconnectableSource;
beforeAll(async () => {
  await w.start();
  edge = await w.edge({ membership: (real) => (queries = new CountingMembership(real)), liveEvents: (real) => (live = new ReconnectableSource(real)) });
});
afterAll(() => w.stop());

it('a reconnect asks query-api nothing, and a join and a leave while away both apply', async () => {
  await w.fake.createRoom('cA', 'kim', ['lee']);
  await w.fake.createRoom('cB', 'lee');
  const first = await w.client(edge, 'kim');
  const synced = await first.resume({});
  const pos = synced.rooms.cA as number;
  first.close();
  await first.waitClosed();
  const asked = queries.calls;

  // While kim is away: a message, kim leaves cA, more messages; kim is added to cB.
  await w.fake.message('cA', 'lee', 'while away');
  const leave = await w.fake.leave('cA', 'kim');
  await w.fake.message('cA', 'lee', 'after the leave');
  const joined = await w.fake.join('cB', 'kim');
  // The edge has dispatched them (its cache is current) once a member of both rooms online here sees the join.
  const lee = await w.client(edge, 'lee');
  await lee.resume({ cA: leave, cB: joined - 1 });
  await lee.until('the join', () => lee.events('cB').some((f) => f.seq === joined));

  const again = await w.client(edge, 'kim');
  const resumed = await again.resume({ cA: pos });
  expect(queries.calls).toBe(asked + 1); // lee's first resume; none for kim
  // cA is listed but kim is no longer in it: ignored, as with a fresh snapshot (a stale "member" would
  // replay it up to the leave).
  expect(again.events('cA')).toEqual([]);
  expect(resumed.rooms.cA).toBeUndefined();
  expect(resumed.rooms.cB).toBeGreaterThanOrEqual(joined);
  const next = await w.fake.message('cB', 'lee', 'hello kim');
  await again.until('cB live', () => again.events('cB').some((f) => f.seq === next));
  // A fence: nothing of cA came, and nothing else of cB than what followed the resume.
  again.send({ type: 'ping', id: 'fence' });
  await again.frame('pong', (f) => f.type === 'pong' && f.id === 'fence');
  expect(again.events('cA')).toEqual([]);
  expect(seqs(again.events('cB'))).toEqual([next]);
});

it('devices of one user resuming together share one query; after a NATS reconnect the rooms are asked again', async () => {
  await w.fake.createRoom('cC', 'max');
  let release!: () => void;
  queries.hold = new Promise((r) => (release = r));
  const asked = queries.calls;
  const devices = await Promise.all(Array.from({ length: 5 }, () => w.client(edge, 'max')));
  const resumes = devices.map((d) => d.resume({}));
  await devices[0].hello();
  // All five resumes wait on the one snapshot.
  const deadline = Date.now() + 5000;
  while (queries.calls === asked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  release();
  queries.hold = null;
  for (const s of await Promise.all(resumes)) expect(Object.keys(s.rooms)).toEqual(['cC']);
  expect(queries.calls).toBe(asked + 1);

  live.reconnect();
  const after = await w.client(edge, 'max');
  await after.resume({});
  expect(queries.calls).toBeGreaterThan(asked + 1);
});
