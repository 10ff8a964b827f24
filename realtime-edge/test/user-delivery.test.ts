import { Subjects } from '@natter/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { sleep, World } from './harness';

/**
 * Per-user delivery (docs/architecture.md "Per-user delivery"): the events of `ev.user.<me>` that contracts'
 * `deliversToUser` names reach every socket of the user that opted in with `user` in `resume`, in seq order,
 * each once, across edges and absences; the others (emails, session ids) never do.
 */
const w = new World();
let edgeA: EdgeHandle;
let edgeB: EdgeHandle;

beforeAll(async () => {
  await w.start();
  edgeA = await w.edge();
  edgeB = await w.edge();
});
afterAll(() => w.stop());

const profile = (userId: string, displayName: string) =>
  w.fake.append(Subjects.user(userId), { type: 'ProfileUpdated', data: { userId, displayName } }, userId);
const userEvents = (frames: Record<string, any>[]) => frames.filter((f) => f.type === 'user_event');
const names = (frames: Record<string, any>[]) => userEvents(frames).map((f) => f.event.data.displayName as string);

describe('user_event delivery', () => {
  it('live from now on two devices on two edges; private events never sent; a socket that did not opt in gets none', async () => {
    await w.fake.append(Subjects.user('ann'), { type: 'UserRegistered', data: { userId: 'ann', username: 'ann', displayName: 'Ann', email: 'ann@example.com' } }, 'ann');
    const before = await profile('ann', 'Ann 0');
    const phone = await w.client(edgeA, 'ann', 's-phone');
    const desk = await w.client(edgeB, 'ann', 's-desk');
    const plain = await w.client(edgeA, 'ann', 's-plain');
    await phone.hello();
    phone.send({ type: 'resume', epoch: (await phone.hello()).epoch, rooms: {}, user: 'now' });
    // "now" is what this node has dispatched of the user's subject (no NATS read): `before` itself, or just
    // below it if the node has not handled that event yet (then it arrives as a user_event, once).
    const synced = new Map<typeof phone, number>();
    synced.set(phone, (await phone.frame('synced', (f) => f.type === 'synced')).user);
    desk.send({ type: 'resume', epoch: (await desk.hello()).epoch, rooms: {}, user: 'now' });
    synced.set(desk, (await desk.frame('synced', (f) => f.type === 'synced')).user);
    for (const at of synced.values()) expect(at).toBeLessThanOrEqual(before);
    const sPlain = await plain.resume({});
    expect(sPlain.user).toBeUndefined();

    const s1 = await profile('ann', 'Ann 1');
    await w.fake.append(Subjects.user('ann'), { type: 'SessionStarted', data: { userId: 'ann', sessionId: 'secret-session' } }, 'ann');
    const s2 = await profile('ann', 'Ann 2');
    const expected = (c: typeof phone) => [[before, 'Ann 0'], [s1, 'Ann 1'], [s2, 'Ann 2']].filter(([seq]) => (seq as number) > synced.get(c)!);
    for (const c of [phone, desk]) {
      await c.until('the user events after synced', () => userEvents(c.frames).length >= expected(c).length);
      expect(userEvents(c.frames).map((f) => f.seq)).toEqual(expected(c).map(([seq]) => seq));
      expect(names(c.frames)).toEqual(expected(c).map(([, name]) => name));
    }
    await sleep(200);
    for (const c of [phone, desk]) {
      expect(userEvents(c.frames)).toHaveLength(expected(c).length);
      expect(JSON.stringify(c.frames)).not.toContain('secret-session');
      expect(JSON.stringify(c.frames)).not.toContain('ann@example.com');
    }
    expect(userEvents(plain.frames)).toHaveLength(0);
    // Another user's events reach nobody here.
    await profile('bob', 'Bob');
    await sleep(200);
    expect(userEvents(phone.frames)).toHaveLength(2);
  });

  it('resume from a position on another edge: exactly the missed events, in order, then live, while events keep coming', async () => {
    const first = await profile('cat', 'c0');
    const a = await w.client(edgeA, 'cat', 's-a');
    a.send({ type: 'resume', epoch: (await a.hello()).epoch, rooms: {}, user: first });
    expect((await a.frame('synced', (f) => f.type === 'synced')).user).toBe(first);
    const seen = await profile('cat', 'c1');
    await a.until('c1', () => names(a.frames).includes('c1'));
    a.close();
    await a.waitClosed();

    const missed: number[] = [];
    for (let i = 2; i < 12; i++) missed.push(await profile('cat', `c${i}`));
    const b = await w.client(edgeB, 'cat', 's-a');
    b.send({ type: 'resume', epoch: (await b.hello()).epoch, rooms: {}, user: seen });
    // Appends racing the backfill: each must arrive once, after the missed ones.
    const racing = Promise.all(Array.from({ length: 10 }, (_, i) => profile('cat', `c${12 + i}`)));
    const synced = await b.frame('synced', (f) => f.type === 'synced');
    const raced = await racing;
    await b.until('all 20', () => userEvents(b.frames).length >= 20);
    await sleep(200);
    const got = userEvents(b.frames).map((f) => f.seq);
    expect(got).toEqual([...missed, ...raced].sort((x, y) => x - y));
    expect(names(b.frames)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i + 2}`));
    expect(synced.user).toBeGreaterThanOrEqual(missed.at(-1)!);
  });

  it('a position beyond the end of the stream is refused (reset), like a room position', async () => {
    const c = await w.client(edgeA, 'dan');
    c.send({ type: 'resume', epoch: (await c.hello()).epoch, rooms: {}, user: 10_000_000 });
    expect(await c.frame('reset', (f) => f.type === 'reset')).toMatchObject({ reason: 'position' });
    expect((await c.waitClosed()).code).toBe(4003);
  });

  it('past EDGE_RESUME_MAX_EVENTS: user_truncated in band, then the rest', async () => {
    const small = await w.edge({}, { EDGE_RESUME_MAX_EVENTS: '3' });
    const start = await profile('eve', 'e0');
    const seqs: number[] = [];
    for (let i = 1; i <= 6; i++) seqs.push(await profile('eve', `e${i}`));
    const c = await w.client(small, 'eve');
    c.send({ type: 'resume', epoch: (await c.hello()).epoch, rooms: {}, user: start });
    const synced = await c.frame('synced', (f) => f.type === 'synced');
    expect(names(c.frames)).toEqual(['e1', 'e2', 'e3']);
    const t = c.frames.find((f) => f.type === 'user_truncated');
    expect(t).toEqual({ type: 'user_truncated', after: seqs[2], upto: seqs[5] });
    expect(synced.user).toBe(seqs[5]);
    const next = await profile('eve', 'e7');
    await c.until('e7', () => names(c.frames).includes('e7'));
    expect(userEvents(c.frames).at(-1)!.seq).toBe(next);
  });

  it("an avatar change reaches the user's devices like a profile update", async () => {
    const c = await w.client(edgeA, 'gil');
    c.send({ type: 'resume', epoch: (await c.hello()).epoch, rooms: {}, user: 'now' });
    await c.frame('synced', (f) => f.type === 'synced');
    const seq = await w.fake.append(Subjects.user('gil'), { type: 'AvatarChanged', data: { userId: 'gil', avatar: 'v2' } }, 'gil');
    const f = await c.frame('avatar', (x) => x.type === 'user_event' && x.seq === seq);
    expect(f.event).toMatchObject({ type: 'AvatarChanged', data: { userId: 'gil', avatar: 'v2' } });
  });

  it('bad user positions are refused with a clear error', async () => {
    const c = await w.client(edgeA, 'fay');
    await c.hello();
    c.send({ type: 'resume', rooms: {}, user: -1 });
    const err = await c.frame('error', (f) => f.type === 'error');
    expect(err.code).toBe('validation_failed');
  });
});
