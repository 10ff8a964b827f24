import { describe, expect, it } from 'vitest';
import type { NewEvent } from '@natter/contracts';
import { AggregateRepository, MAX_APPEND_ATTEMPTS, type AggregateDef } from './aggregates';
import { MemoryEventStore } from './event-store.memory';
import { Metrics } from './metrics';

const subject = 'ev.room.r1.meta';

/** A room's membership, just enough of an aggregate for these specs (shared knows no feature's aggregates). */
interface Members {
  members: Record<string, string>;
}
const RoomAggregate: AggregateDef<Members> = {
  name: 'members',
  initial: () => ({ members: {} }),
  evolve: (s, e) => (e.type === 'MemberJoined' ? { members: { ...s.members, [e.data.userId]: e.data.role } } : s),
};
const joined = (userId: string, role: 'owner' | 'member' = 'member'): NewEvent => ({ type: 'MemberJoined', data: { roomId: 'r1', userId, role, addedBy: null } });
const decideCreate = (_: Members, c: { actor: string }): NewEvent[] => [
  { type: 'RoomCreated', data: { roomId: 'r1', name: 'R', topic: '', visibility: 'public', createdBy: c.actor } },
  joined(c.actor, 'owner'),
];
const decideJoin = (s: Members, user: string): NewEvent[] => (s.members[user] ? [] : [joined(user)]);

async function setup() {
  const store = new MemoryEventStore();
  const metrics = new Metrics();
  const repo = new AggregateRepository(store, metrics);
  await repo.execute(RoomAggregate, subject, 'owner', ({ state }) => ({
    events: decideCreate(state, { actor: 'owner' }),
    reply: (a) => a.version,
  }));
  return { store, metrics, repo };
}

const join = (repo: AggregateRepository, user: string) =>
  repo.execute(RoomAggregate, subject, user, ({ state }) => ({ events: decideJoin(state, user), reply: (a) => a.version }));

describe('AggregateRepository', () => {
  it('appends several events one after another, each expecting the previous', async () => {
    const { store } = await setup();
    expect(store.log.map((e) => [e.seq, e.type])).toEqual([[1, 'RoomCreated'], [2, 'MemberJoined']]);
  });

  it('a lost race reloads and decides again on the new state (no duplicate effect)', async () => {
    const { store, metrics, repo } = await setup();
    let raced = false;
    store.beforeAppend = () => {
      if (raced) return;
      raced = true;
      // Another instance appends bob's join between our load and our append.
      store.appendRaw(subject, { type: 'MemberJoined', data: { roomId: 'r1', userId: 'bob', role: 'member', addedBy: null } });
    };
    const seq = await join(repo, 'bob');
    // Our retry saw bob already a member: nothing appended, answered with the current version.
    expect(seq).toBe(3);
    expect(store.log.filter((e) => e.type === 'MemberJoined')).toHaveLength(2);
    expect(await metrics.render()).toContain('natter_append_conflicts_total 1');
  });

  it('gives up with 409 conflict after MAX_APPEND_ATTEMPTS lost races', async () => {
    const { store, metrics, repo } = await setup();
    let n = 0;
    store.beforeAppend = () => store.appendRaw(subject, { type: 'MemberJoined', data: { roomId: 'r1', userId: `other${++n}`, role: 'member', addedBy: null } });
    await expect(join(repo, 'carol')).rejects.toMatchObject({ code: 'conflict' });
    expect(n).toBe(MAX_APPEND_ATTEMPTS);
    expect(store.log.some((e) => e.type === 'MemberJoined' && e.data.userId === 'carol')).toBe(false);
    expect(await metrics.render()).toContain('natter_append_conflicts_exhausted_total 1');
  });

  it('a cached state is refreshed with what other writers appended since', async () => {
    const { store, repo } = await setup();
    await repo.load(RoomAggregate, subject);
    store.appendRaw(subject, { type: 'MemberJoined', data: { roomId: 'r1', userId: 'dave', role: 'member', addedBy: null } });
    const { state, version } = await repo.load(RoomAggregate, subject);
    expect(version).toBe(3);
    expect(state.members).toEqual({ owner: 'owner', dave: 'member' });
  });

  it('concurrent loads share refreshes, but only ones that started after them (never a staler answer)', async () => {
    const { store, repo } = await setup();
    // A slow store: each read answers with the log as of when it was requested, once released.
    let reads = 0;
    const gates: (() => void)[] = [];
    store.readAfter = async function* (subj: string, afterSeq: number) {
      reads++;
      const snapshot = store.log.filter((e) => e.subject === subj && e.seq > afterSeq);
      await new Promise<void>((r) => gates.push(r));
      yield* snapshot;
    };
    const release = async () => {
      while (!gates.length) await new Promise((r) => setTimeout(r, 1));
      gates.shift()!();
    };
    const first = repo.load(RoomAggregate, subject);
    await release(); // not yet: the first read is only requested, then...
    store.appendRaw(subject, { type: 'MemberJoined', data: { roomId: 'r1', userId: 'erin', role: 'member', addedBy: null } });
    const second = repo.load(RoomAggregate, subject);
    const third = repo.load(RoomAggregate, subject);
    expect((await first).version).toBe(2); // requested before erin joined
    await release();
    const [b, c] = await Promise.all([second, third]);
    expect(b.version).toBe(3); // requested after they were called: erin is in
    expect(c.state.members).toEqual({ owner: 'owner', erin: 'member' });
    expect(reads).toBe(2); // second and third shared one read
  });
});
