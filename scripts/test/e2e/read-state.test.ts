import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, Streams, Subjects, type ServerFrame, type StoredEvent } from '@natter/contracts';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { createKysely } from '@natter/infra/runtime';
import { rebuildReadModel } from '@natter/projectors';
import { startStack, type Stack } from '../../src/stack/index';
import { TestSocket, TestUser } from '../support/client';

/**
 * Issue 12 end to end (command-api, query-api, projectors and two edges as processes behind the gateway, real
 * NATS and Postgres): unread and mention counts in GET /api/me/rooms are exact after many people send, edit,
 * delete and mark read at once, from sockets on two edges (compared with counts computed from the stream's
 * history itself); a marker moved on one device reaches the user's other device on another edge live; and a
 * rebuild by replay gives identical counts.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let nc: NatsConnection;
const edgeUrl = (i: number) => `ws://127.0.0.1:${stack.edges[i].port}/ws`;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-e2e-read-'))]);
  stack = await startStack({
    dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 2, log: pino({ level: 'silent' }),
    env: { COMMAND_API_SENDS_PER_SECOND: '500', EDGE_COMMANDS_PER_SECOND: '500', EDGE_COMMAND_BURST: '1000' },
  });
  base = stack.gatewayUrl!;
  nc = await connect({ servers: nats.url });
}, 180_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function online(u: TestUser, url: string, user?: number | 'now'): Promise<TestSocket> {
  const s = await u.connect(url);
  await s.until('hello', (f) => f.some((x) => x.type === 'hello'));
  s.send({ type: 'resume', epoch: s.hello()!.epoch, rooms: {}, ...(user === undefined ? {} : { user }) });
  await s.until('synced', (f) => f.some((x) => x.type === 'synced'));
  return s;
}

let req = 0;
async function ws(s: TestSocket, frame: Record<string, unknown>): Promise<any> {
  const id = `q${++req}`;
  s.send({ ...frame, id });
  const f = (await s.until(`answer to ${id}`, (fs) => fs.find((x) => (x.type === 'ack' || x.type === 'error') && 'id' in x && x.id === id), 20_000)) as ServerFrame;
  if (f.type !== 'ack') throw new Error(`${String(frame.type)} refused: ${JSON.stringify(f)}`);
  return f.result;
}

/** Every event of the stream, in order, read back from JetStream (the history the counts must agree with). */
async function history(): Promise<StoredEvent[]> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(Streams.events)).state.last_seq;
  const consumer = await jetstream(nc).consumers.get(Streams.events, { filter_subjects: Subjects.all });
  const out: StoredEvent[] = [];
  const msgs = await consumer.consume();
  for await (const m of msgs) {
    out.push(decodeEvent(m.seq, m.subject, m.data));
    if (m.seq >= last) break;
  }
  await msgs.close();
  return out;
}

interface ThreadExpected { rootSeq: number; readSeq: number; unread: number; mentions: number }
interface Expected { unread: number; mentions: number; firstUnreadSeq: number | null; readSeq: number; threads?: ThreadExpected[] }

/**
 * Counts straight from history, by the definition, with no ordinals or indexes: a reader's marker in a
 * room is the greatest of their join, the markers they moved and their own timeline messages; unread are the
 * timeline messages after it, not theirs, not deleted; mentions those of them whose current mentions (after
 * edits) name them, @room or @here.
 */
function expectedCounts(events: StoredEvent[], userId: string): Map<string, Expected> {
  const marker = new Map<string, number>();
  const member = new Set<string>();
  type Msg = { sender: string; mentions: { userIds: string[]; room: boolean; here: boolean }; deleted: boolean };
  const msgs = new Map<string, Map<number, Msg>>();
  const bump = (roomId: string, seq: number) => marker.set(roomId, Math.max(marker.get(roomId) ?? 0, seq));
  // Threads: every message by seq (roots and replies), each thread's replies, and the reader's thread markers
  // (their first post in the thread, replies, markers moved).
  const all = new Map<string, Map<number, Msg>>();
  const replies = new Map<string, number[]>(); // `${roomId}:${rootSeq}` -> reply seqs
  const tmark = new Map<string, number>();
  const tbump = (key: string, seq: number) => tmark.set(key, Math.max(tmark.get(key) ?? 0, seq));
  const takesPart = new Set<string>(); // threads the reader wrote the root of or replied in
  for (const e of events) {
    if (e.type === 'MemberJoined' && e.data.userId === userId) {
      member.add(e.data.roomId);
      marker.set(e.data.roomId, e.seq);
      marker.set(`joined:${e.data.roomId}`, e.seq);
    } else if (e.type === 'MemberLeft' && e.data.userId === userId) member.delete(e.data.roomId);
    else if (e.type === 'ReadMarkersMoved' && e.data.userId === userId) {
      for (const m of e.data.markers) {
        if (m.threadRootSeq === undefined) bump(m.roomId, m.seq);
        else tbump(`${m.roomId}:${m.threadRootSeq}`, m.seq);
      }
    } else if (e.type === 'MessageSent') {
      const m: Msg = { sender: e.data.senderId, mentions: e.data.mentions ?? { userIds: [], room: false, here: false }, deleted: false };
      if (!all.has(e.data.roomId)) all.set(e.data.roomId, new Map());
      all.get(e.data.roomId)!.set(e.seq, m);
      if (!e.data.thread || e.data.thread.alsoToRoom) {
        if (!msgs.has(e.data.roomId)) msgs.set(e.data.roomId, new Map());
        msgs.get(e.data.roomId)!.set(e.seq, m);
        if (e.data.senderId === userId) bump(e.data.roomId, e.seq);
      }
      if (e.data.thread) {
        const key = `${e.data.roomId}:${e.data.thread.rootSeq}`;
        replies.set(key, [...(replies.get(key) ?? []), e.seq]);
        if (e.data.senderId === userId) {
          tbump(key, e.seq);
          takesPart.add(key);
        }
        if (e.data.thread.rootSenderId === userId) {
          tbump(key, e.data.thread.rootSeq);
          takesPart.add(key);
        }
      }
    } else if (e.type === 'MessageEdited') {
      const m = all.get(e.data.roomId)?.get(e.data.messageSeq);
      if (m && !m.deleted) m.mentions = e.data.mentions;
    } else if (e.type === 'MessageDeleted') {
      const m = all.get(e.data.roomId)?.get(e.data.messageSeq);
      if (m) {
        m.deleted = true;
        m.mentions = { userIds: [], room: false, here: false };
      }
    }
  }
  const out = new Map<string, Expected>();
  for (const roomId of member) {
    const mk = marker.get(roomId) ?? 0;
    const unread = [...(msgs.get(roomId) ?? new Map()).entries()].filter(([seq, m]) => seq > mk && m.sender !== userId && !m.deleted).sort((a, b) => a[0] - b[0]);
    const mentions = unread.filter(([, m]) => m.mentions.userIds.includes(userId) || m.mentions.room || m.mentions.here).length;
    const threads: ThreadExpected[] = [];
    for (const [key, seqs] of replies) {
      const [rid, root] = key.split(':');
      if (rid !== roomId || !takesPart.has(key)) continue; // not a thread the reader takes part in
      const tm = Math.max(tmark.get(key)!, marker.get(`joined:${roomId}`) ?? 0);
      const un = seqs.filter((q) => q > tm).map((q) => all.get(roomId)!.get(q)!).filter((m) => m.sender !== userId && !m.deleted);
      if (un.length) threads.push({ rootSeq: Number(root), readSeq: tm, unread: un.length, mentions: un.filter((m) => m.mentions.userIds.includes(userId) || m.mentions.room || m.mentions.here).length });
    }
    threads.sort((a, b) => a.rootSeq - b.rootSeq);
    out.set(roomId, { unread: unread.length, mentions, firstUnreadSeq: unread[0]?.[0] ?? null, readSeq: mk, ...(threads.length ? { threads } : {}) });
  }
  return out;
}

const countsOf = (items: any[]) => new Map(items.map((r) => [r.id as string, r.unread as Expected]));
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

describe('read state (issue 12)', () => {
  let people: TestUser[] = [];
  let rooms: string[] = [];

  it('counts are exact after many people send, edit, delete and mark read at once from two edges', async () => {
    people = await Promise.all(['ada', 'bea', 'cyd', 'dov', 'eli'].map((n) => TestUser.register(base, n)));
    const [owner] = people;
    const pub = await owner.call('POST', '/api/rooms', { name: 'open plan', visibility: 'public' });
    const priv = await owner.call('POST', '/api/rooms', { name: 'backroom', visibility: 'private' });
    expect(pub.status).toBe(201);
    expect(priv.status).toBe(201);
    rooms = [pub.body.roomId, priv.body.roomId];
    for (const p of people.slice(1)) {
      expect((await p.call('POST', `/api/rooms/${rooms[0]}/join`)).status).toBeLessThan(300);
      expect((await owner.call('POST', `/api/rooms/${rooms[1]}/members`, { userId: p.id })).status).toBeLessThan(300);
    }
    const dm = await people[1].call('POST', '/api/dms/messages', { userIds: [people[2].id], clientMsgId: 'dm-1', text: 'hello @' + people[2].tokens.user.username });
    expect(dm.status).toBeLessThan(300);
    rooms.push(dm.body.roomId);

    const sockets = await Promise.all(people.map((p, i) => online(p, edgeUrl(i % 2))));
    const roomsOf = (i: number) => (i === 1 || i === 2 ? rooms : rooms.slice(0, 2));
    // Five people at once: sends (some mentioning others, @room), edits that change mentions, deletes of
    // their own messages, and marks read at whatever each has seen so far.
    await Promise.all(
      people.map(async (p, i) => {
        const s = sockets[i];
        const mine: { roomId: string; seq: number }[] = [];
        for (let k = 0; k < 30; k++) {
          const roomId = pick(roomsOf(i));
          const r = Math.random();
          if (r < 0.5 || mine.length === 0) {
            const other = pick(people.filter((x) => x !== p)).tokens.user.username;
            const text = k % 7 === 0 ? `all of you @room ${k}` : k % 3 === 0 ? `@${other} look ${k}` : `note ${k} from ${i}`;
            const res = await ws(s, { type: 'send', roomId, clientMsgId: `c${i}-${k}`, text }).catch((e) => (String(e).includes('not_member') ? null : Promise.reject(e)));
            if (res) mine.push({ roomId, seq: res.seq });
          } else if (r < 0.65) {
            const m = pick(mine);
            const other = pick(people.filter((x) => x !== p)).tokens.user.username;
            await ws(s, { type: 'edit', roomId: m.roomId, messageSeq: m.seq, clientOpId: `e${i}-${k}`, text: Math.random() < 0.5 ? `now for @${other}` : 'no mention now' }).catch(() => null);
          } else if (r < 0.72) {
            const m = mine.splice(Math.floor(Math.random() * mine.length), 1)[0];
            await ws(s, { type: 'delete', roomId: m.roomId, messageSeq: m.seq });
          } else if (r < 0.85) {
            // A reply in a thread of someone's message of this room (sometimes also to the room), or reading one.
            const roots = s.events(roomId).filter((f) => f.event.type === 'MessageSent' && !(f.event.data as { thread?: unknown }).thread);
            const root = roots.length ? pick(roots.slice(-6)) : null;
            if (root && Math.random() < 0.8) {
              const other = pick(people.filter((x) => x !== p)).tokens.user.username;
              await ws(s, { type: 'send', roomId, clientMsgId: `t${i}-${k}`, text: k % 2 ? `in thread @${other}` : 'in thread', threadRootSeq: root.seq, alsoToRoom: k % 5 === 0 }).catch(() => null);
            } else if (root) {
              const last = s.events(roomId).filter((f) => (f.event.data as { thread?: { rootSeq: number } }).thread?.rootSeq === root.seq).at(-1);
              if (last) await ws(s, { type: 'command', name: 'MarkRead', input: { markers: [{ roomId, seq: last.seq, threadRootSeq: root.seq }] } });
            }
          } else {
            const seen = s.events(roomId).at(-1)?.seq;
            if (seen) await ws(s, { type: 'command', name: 'MarkRead', input: { markers: [{ roomId, seq: seen }] } });
          }
        }
      }),
    );
    const events = await history();
    const head = events.at(-1)!.seq;
    for (const p of people) {
      const mine = await p.call('GET', `/api/me/rooms?minSeq=${head}`);
      expect(mine.status).toBe(200);
      const got = countsOf(mine.body.items);
      const want = expectedCounts(events, p.id);
      expect(got.size).toBe(want.size);
      for (const [roomId, w] of want) expect(got.get(roomId), `${p.tokens.user.username} in ${roomId}`).toEqual(w);
    }
    // Something to count at all: somebody has unread messages and somebody has unread mentions.
    const every = people.flatMap((p) => [...expectedCounts(events, p.id).values()]);
    expect(every.some((c) => c.unread > 0)).toBe(true);
    expect(every.some((c) => c.mentions > 0)).toBe(true);
    expect(every.some((c) => (c.threads ?? []).length > 0)).toBe(true);
    await Promise.all(sockets.map((s) => s.close()));
  }, 180_000);

  it('a marker moved on the phone reaches the desktop on the other edge within a second; counts follow', async () => {
    const [ada, bea] = people;
    const sent = await bea.call('POST', `/api/rooms/${rooms[0]}/messages`, { clientMsgId: 'sync-1', text: `@${ada.tokens.user.username} are you there?` });
    expect(sent.status).toBe(201);
    const before = await ada.call('GET', `/api/me/rooms?minSeq=${sent.body.seq}`);
    const room = before.body.items.find((r: any) => r.id === rooms[0]);
    expect(room.unread.unread).toBeGreaterThan(0);
    expect(room.unread.mentions).toBeGreaterThan(0);

    const desk = await online(ada, edgeUrl(0), 'now');
    const phone = await online(ada, edgeUrl(1), 'now');
    const t0 = Date.now();
    const moved = await ws(phone, { type: 'command', name: 'MarkRead', input: { markers: [{ roomId: rooms[0], seq: sent.body.seq }] } });
    const f = await desk.until('the marker on the desktop', (fs) => fs.find((x) => x.type === 'user_event' && x.seq === moved.seq), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(f).toMatchObject({ type: 'user_event', event: { type: 'ReadMarkersMoved', data: { userId: ada.id, markers: [{ roomId: rooms[0], seq: sent.body.seq }] } } });
    // The phone that moved it gets it too (every device), and nobody else does.
    await phone.until('the marker on the phone', (fs) => fs.some((x) => x.type === 'user_event' && x.seq === moved.seq));
    const after = await ada.call('GET', `/api/me/rooms?minSeq=${moved.seq}`);
    expect(after.body.items.find((r: any) => r.id === rooms[0]).unread).toMatchObject({ readSeq: sent.body.seq, unread: 0, mentions: 0, firstUnreadSeq: null });

    // Back from an absence on the other edge: resumed from its user position, it gets exactly what it missed.
    const synced = desk.frames.find((x) => x.type === 'synced') as { user?: number };
    await desk.close();
    const other = await bea.call('POST', `/api/rooms/${rooms[1]}/messages`, { clientMsgId: 'sync-2', text: 'in the back room' });
    const again = await ws(phone, { type: 'command', name: 'MarkRead', input: { markers: [{ roomId: rooms[1], seq: other.body.seq }] } });
    const back = await online(ada, edgeUrl(1), (desk.frames.filter((x) => x.type === 'user_event').at(-1) as { seq: number } | undefined)?.seq ?? synced.user!);
    await back.until('the missed marker', (fs) => fs.some((x) => x.type === 'user_event' && x.seq === again.seq));
    expect(back.frames.filter((x) => x.type === 'user_event').map((x) => (x as { seq: number }).seq)).toEqual([again.seq]);
    await Promise.all([phone.close(), back.close()]);
  }, 60_000);

  it('bad markers are refused and change nothing', async () => {
    const [ada, , , , eli] = people;
    const lonely = await eli.call('POST', '/api/rooms', { name: 'eli only', visibility: 'private' });
    const refused = await ada.call('POST', '/api/me/read-markers', { markers: [{ roomId: lonely.body.roomId, seq: 1 }] });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('room_not_found');
    const future = await ada.call('POST', '/api/me/read-markers', { markers: [{ roomId: rooms[0], seq: 10_000_000 }] });
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe('validation_failed');
    const empty = await ada.call('POST', '/api/me/read-markers', { markers: [] });
    expect(empty.body.error.code).toBe('validation_failed');
    // A thread's marker must name a message of the room: another room's message, or none, is refused and named.
    const elsewhere = (await history()).find((e) => e.type === 'MessageSent' && e.data.roomId !== rooms[0])!;
    for (const threadRootSeq of [elsewhere.seq, 10_000_000]) {
      const badRoot = await ada.call('POST', '/api/me/read-markers', { markers: [{ roomId: rooms[0], seq: 1, threadRootSeq }] });
      expect([badRoot.status, badRoot.body.error.code, badRoot.body.error.details?.[0]?.path], String(threadRootSeq)).toEqual([400, 'validation_failed', 'markers.0.threadRootSeq']);
    }
    const head = (await history()).at(-1)!.seq;
    const mine = await ada.call('GET', `/api/me/rooms?minSeq=${head}`);
    expect(countsOf(mine.body.items).get(rooms[0])).toEqual(expectedCounts(await history(), ada.id).get(rooms[0]));
  }, 60_000);

  it('mark all read clears every room in one command; a rebuild by replay gives identical counts', async () => {
    const [, bea] = people;
    const events = await history();
    const head = events.at(-1)!.seq;
    const before = await Promise.all(people.map(async (p) => (await p.call('GET', `/api/me/rooms?minSeq=${head}`)).body.items));
    const dbk = createKysely<any>(stack.databaseUrl, 2);
    try {
      const r = await rebuildReadModel(nc, dbk, stack.databaseUrl, pino({ level: 'silent' }), { verify: true, swap: true });
      expect(r.equal).toBe(true);
      const markers = r.comparison!.find((t) => t.table === 'read_markers');
      expect(markers!.liveRows).toBeGreaterThan(0);
      for (const t of r.comparison!) expect(t.differing, t.table).toBe(0);
      expect(r.swapped).toBe(true);
    } finally {
      await dbk.destroy();
    }
    const after = await Promise.all(people.map(async (p) => (await p.call('GET', `/api/me/rooms?minSeq=${head}`)).body.items));
    expect(after.map((items) => countsOf(items))).toEqual(before.map((items) => countsOf(items)));

    const mine = (await bea.call('GET', `/api/me/rooms?minSeq=${head}`)).body.items as any[];
    const all = await bea.call('POST', '/api/me/read-markers', { markers: mine.map((r) => ({ roomId: r.id, seq: r.lastSeq })) });
    expect(all.status).toBe(200);
    const cleared = await bea.call('GET', `/api/me/rooms?minSeq=${all.body.seq}`);
    for (const r of cleared.body.items) expect(r.unread, r.id).toMatchObject({ unread: 0, mentions: 0, firstUnreadSeq: null });
    expect(countsOf(cleared.body.items)).toEqual(expectedCounts(await history(), bea.id));
  }, 120_000);
});
