import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Streams, Subjects, type AuthTokens } from '@natter/contracts';
import { JetStreamEventStore, AppendConflict } from '../src/shared/event-store';
import { startHarness, type Harness, type HttpFn } from './harness';

/**
 * The same guarantees on a 3-node JetStream cluster with the stream at R3, with two command-api instances
 * on different nodes. nats-server 2.9.10 does not enforce `Nats-Expected-Last-Subject-Sequence` on
 * replicated streams, so here it is the msgID half of the append (`<subject>:<version+1>`) that keeps two
 * deciders from both appending on the same version.
 */
let h: Harness;
let other: { http: HttpFn };
beforeAll(async () => {
  h = await startHarness({ cluster: true, sendsPerSecond: 1000 });
  other = await h.secondInstance(h.natsUrls[2]);
}, 120_000);
afterAll(() => h?.stop());

describe('on a 3-node cluster with R3 streams', () => {
  it('the event stream is replicated three times', async () => {
    const info = await h.jsm.streams.info(Streams.events);
    expect(info.config.num_replicas).toBe(3);
    expect(1 + (info.cluster?.replicas?.length ?? 0)).toBe(3);
  });

  it('appends racing on the same aggregate version: exactly one wins, the others conflict', async () => {
    const store = await JetStreamEventStore.connect(h.nc);
    const subject = Subjects.roomMeta(`race-${Date.now()}`);
    for (let round = 0; round < 20; round++) {
      const version = (await h.jsm.streams.getMessage(Streams.events, { last_by_subj: subject }).catch(() => null))?.seq ?? 0;
      const attempts = await Promise.allSettled(
        [0, 1, 2, 3].map((i) => store.appendExpected(subject, version, { type: 'MemberLeft', data: { roomId: 'x', userId: `u${i}`, reason: 'left', removedBy: null } }, null)),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(AppendConflict);
    }
    expect(await h.events(subject)).toHaveLength(20);
  });

  it('concurrent joins through two instances on different nodes, each user twice at once: every member joins exactly once', async () => {
    const owner = await h.register('owner');
    const created = await h.http('POST', '/api/rooms', { name: 'busy', visibility: 'public' }, owner.accessToken);
    const roomId = created.body.roomId as string;
    const users: AuthTokens[] = [];
    for (let i = 0; i < 12; i++) users.push(await h.register(`joiner${i}`));
    // every user clicks twice, once through each instance: without concurrency control both would append
    const results = await Promise.all(users.flatMap((u) => [h.http, other.http].map((http) => http('POST', `/api/rooms/${roomId}/join`, undefined, u.accessToken))));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const joined = (await h.events(Subjects.roomMeta(roomId))).filter((e) => e.type === 'MemberJoined').map((e) => (e.data as { userId: string }).userId);
    expect(joined.sort()).toEqual([owner.user.id, ...users.map((u) => u.user.id)].sort());
  });

  it('one username registered concurrently through both instances: exactly one account', async () => {
    const body = (i: number) => ({ username: 'sameName', email: `same${i}@example.test`, password: 'correct horse battery', displayName: 'Same' });
    const before = await h.streamCount();
    const rs = await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? h.http : other.http)('POST', '/api/auth/register', body(i))));
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 409).every((r) => r.body.error.code === 'username_taken')).toBe(true);
    expect((await h.streamCount()) - before).toBe(2); // UserRegistered + SessionStarted, once
  });

  it('the same message sent through both instances at once is stored once', async () => {
    const alice = await h.register('alice_r3');
    const room = await h.http('POST', '/api/rooms', { name: 'r3', visibility: 'public' }, alice.accessToken);
    const roomId = room.body.roomId as string;
    for (let round = 0; round < 25; round++) {
      const body = { clientMsgId: `once-${round}`, text: `just once ${round}` };
      const send = (http: HttpFn) => http('POST', `/api/rooms/${roomId}/messages`, body, alice.accessToken);
      const rs = await Promise.all([send(h.http), send(other.http), send(h.http), send(other.http)]);
      expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(rs.map((r) => r.body.seq)).size).toBe(1);
      expect(rs.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    }
    const stored = (await h.events(Subjects.roomMsg(roomId))).filter((e) => e.type === 'MessageSent');
    expect(stored).toHaveLength(25);
  });

  it('two people starting their direct conversation at once through instances on different nodes get one room (KV create on R3)', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = await Promise.all([h.register(`r3dma${round}`), h.register(`r3dmb${round}`)]);
      const [ra, rb] = await Promise.all([
        h.http('POST', '/api/dms/messages', { userIds: [b.user.id], clientMsgId: 'one', text: 'from a' }, a.accessToken),
        other.http('POST', '/api/dms/messages', { userIds: [a.user.id], clientMsgId: 'one', text: 'from b' }, b.accessToken),
      ]);
      expect([ra.status, rb.status]).toEqual([201, 201]);
      expect(ra.body.roomId).toBe(rb.body.roomId);
      const meta = await h.events(Subjects.roomMeta(ra.body.roomId));
      expect(meta.map((e) => e.type)).toEqual(['DirectMessageStarted', 'MemberJoined', 'MemberJoined']);
      expect(await h.events(Subjects.roomMsg(ra.body.roomId))).toHaveLength(2);
    }
  });
});
