import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects, type AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

/**
 * Who is notified of what (issue 13), end to end on real NATS JetStream and Postgres: commands append the
 * settings and read events, the notifications projection decides, query-api serves the center.
 */
let h: Harness;
let ann: AuthTokens, bob: AuthTokens, cat: AuthTokens, dan: AuthTokens, eve: AuthTokens;
let roomId: string;
let n = 0;

beforeAll(async () => {
  h = await startHarness({ sendsPerSecond: 1000 });
  [ann, bob, cat, dan, eve] = await Promise.all(['ann', 'bob', 'cat', 'dan', 'eve'].map((u) => h.register(`nt_${u}`)));
  const room = await h.http('POST', '/api/rooms', { name: 'general', visibility: 'public' }, ann.accessToken);
  roomId = room.body.roomId;
  for (const u of [bob, cat, dan]) expect((await h.http('POST', `/api/rooms/${roomId}/join`, undefined, u.accessToken)).status).toBe(200);
}, 60_000);
afterAll(() => h?.stop());

async function send(who: AuthTokens, text: string, threadRootSeq?: number): Promise<number> {
  const r = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `c${++n}`, text, ...(threadRootSeq ? { threadRootSeq } : {}) }, who.accessToken);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.seq;
}

async function center(who: AuthTokens, minSeq: number) {
  const r = await h.query('GET', `/api/me/notifications?minSeq=${minSeq}`, undefined, who.accessToken);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: { seq: number; kind: string; roomId: string; messageSeq: number; excerpt: string; actorName: string; roomName: string; read: boolean; threadRootSeq: number | null }[]; unread: number; asOfSeq: number };
}

/** The kinds of the notifications `who` has for message `seq`. */
const kindsFor = async (who: AuthTokens, seq: number) => (await center(who, seq)).items.filter((i) => i.messageSeq === seq).map((i) => i.kind);

async function patch(who: AuthTokens, path: string, body: unknown): Promise<number> {
  const r = await h.http('PATCH', path, body, who.accessToken);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.seq;
}

describe('who is notified', () => {
  it('a mention notifies the person mentioned, never the sender, and nobody on "mentions" for a plain message', async () => {
    const s = await send(ann, 'hello @nt_bob, see this');
    expect(await kindsFor(bob, s)).toEqual(['mention']);
    expect(await kindsFor(ann, s)).toEqual([]);
    expect(await kindsFor(cat, s)).toEqual([]);
    const item = (await center(bob, s)).items.find((i) => i.messageSeq === s)!;
    expect(item).toMatchObject({ roomId, roomName: 'general', excerpt: 'hello @nt_bob, see this', read: false, threadRootSeq: null });
    expect(item.actorName).toContain('nt_ann');
    const plain = await send(ann, 'just chatting');
    expect([...(await kindsFor(bob, plain)), ...(await kindsFor(cat, plain))]).toEqual([]);
  });

  it('@room reaches every member but the muted one; a room or user set to "all" gets plain messages', async () => {
    await patch(dan, `/api/rooms/${roomId}/notification-settings`, { muted: true });
    const s = await send(ann, '@room heads up');
    expect(await kindsFor(bob, s)).toEqual(['room_mention']);
    expect(await kindsFor(cat, s)).toEqual(['room_mention']);
    expect(await kindsFor(dan, s)).toEqual([]);
    await patch(cat, '/api/me/notification-settings', { level: 'all' });
    await patch(bob, `/api/rooms/${roomId}/notification-settings`, { level: 'nothing' });
    const plain = await send(ann, 'lunch?');
    expect(await kindsFor(cat, plain)).toEqual(['message']);
    expect(await kindsFor(bob, plain)).toEqual([]);
    const mention = await send(ann, '@nt_bob are you there');
    expect(await kindsFor(bob, mention)).toEqual([]); // "nothing" for this room, mentions included
    await patch(bob, `/api/rooms/${roomId}/notification-settings`, { level: null });
    await patch(cat, '/api/me/notification-settings', { level: 'mentions' });
  });

  it('replies notify the author of the root, then everyone following the thread, unless they muted it', async () => {
    const root = await send(ann, 'a question');
    const r1 = await send(bob, 'an answer', root);
    expect(await kindsFor(ann, r1)).toEqual(['reply']);
    const r2 = await send(cat, 'another answer', root);
    expect(await kindsFor(ann, r2)).toEqual(['reply']);
    expect(await kindsFor(bob, r2)).toEqual(['thread']);
    expect(await kindsFor(dan, r2)).toEqual([]);
    await patch(bob, `/api/rooms/${roomId}/messages/${root}/thread-mute`, { muted: true });
    const r3 = await send(ann, 'thanks both', root);
    expect(await kindsFor(bob, r3)).toEqual([]);
    expect(await kindsFor(cat, r3)).toEqual(['thread']);
    // Muting by a reply (what an API client may hold) mutes the thread it is in.
    const muted = await h.http('PATCH', `/api/rooms/${roomId}/messages/${r2}/thread-mute`, { muted: true }, cat.accessToken);
    expect(muted.status, JSON.stringify(muted.body)).toBe(200);
    expect((await h.events(Subjects.user(cat.user.id))).at(-1)).toMatchObject({ type: 'ThreadMuteChanged', data: { roomId, rootSeq: root, muted: true } });
    const r4 = await send(ann, 'one more', root);
    expect(await kindsFor(cat, r4)).toEqual([]);
  });

  it('muting a thread needs a message of the room: another room\'s message or no message is message_not_found, and nothing is appended', async () => {
    const other = await h.http('POST', '/api/rooms', { name: 'elsewhere', visibility: 'public' }, ann.accessToken);
    const elsewhere = await h.http('POST', `/api/rooms/${other.body.roomId}/messages`, { clientMsgId: `c${++n}`, text: 'not in general' }, ann.accessToken);
    expect(elsewhere.status).toBe(201);
    const mine = await send(ann, 'in general');
    const count = await h.streamCount();
    for (const seq of [elsewhere.body.seq, mine + 1000]) {
      const r = await h.http('PATCH', `/api/rooms/${roomId}/messages/${seq}/thread-mute`, { muted: true }, bob.accessToken);
      expect([r.status, r.body.error?.code], String(seq)).toEqual([404, 'message_not_found']);
    }
    expect(await h.streamCount()).toBe(count);
    await patch(bob, `/api/rooms/${roomId}/messages/${mine}/thread-mute`, { muted: true }); // a message of the room still may be
  });

  it('a direct message notifies the other person', async () => {
    const r = await h.http('POST', '/api/dms/messages', { userIds: [eve.user.id], clientMsgId: 'dm1', text: 'psst' }, ann.accessToken);
    expect(r.status).toBe(201);
    const page = await center(eve, r.body.seq);
    expect(page.items.map((i) => [i.kind, i.excerpt, i.roomId])).toEqual([['dm', 'psst', r.body.roomId]]);
  });

  it('a deleted message takes its notification with it', async () => {
    const s = await send(ann, 'oops @nt_cat');
    expect(await kindsFor(cat, s)).toEqual(['mention']);
    const del = await h.http('DELETE', `/api/rooms/${roomId}/messages/${s}`, undefined, ann.accessToken);
    expect(del.status).toBe(200);
    // The center as of the delete (minSeq), looked up by the deleted message's seq: its notification is gone.
    const after = await center(cat, del.body.seq);
    expect(after.asOfSeq).toBeGreaterThanOrEqual(del.body.seq);
    expect(after.items.filter((i) => i.messageSeq === s)).toEqual([]);
  });
});

describe('the notification center', () => {
  it('sending reads what notified the sender there before (as the send moves their read marker): the room, or the thread for a reply', async () => {
    const inRoom = await send(ann, '@nt_cat lunch?');
    const root = await send(cat, 'a thread of mine');
    const inThread = await send(ann, 'an answer for cat', root);
    const unreadOf = async (seq: number, minSeq: number) => (await center(cat, minSeq)).items.find((i) => i.messageSeq === seq)?.read;
    expect(await unreadOf(inThread, inThread)).toBe(false); // a reply to cat
    // cat's own message `root` came after the mention in the room: that read it already.
    expect(await unreadOf(inRoom, inThread)).toBe(true);
    const reply = await send(cat, 'thanks', root); // a thread-only reply reads the thread, not the room
    expect(await unreadOf(inThread, reply)).toBe(true);
    const later = await send(ann, '@nt_cat one more');
    const replyOnly = await send(cat, 'in the thread again', root);
    expect(await unreadOf(later, replyOnly)).toBe(false);
  });

  it('marks one read, then all read, and counts what is unread', async () => {
    const a = await send(ann, '@nt_dan one');
    await patch(dan, `/api/rooms/${roomId}/notification-settings`, { muted: false });
    const b = await send(ann, '@nt_dan two');
    const c = await send(ann, '@nt_dan three');
    const before = await center(dan, c);
    expect(before.items.filter((i) => [a, b, c].includes(i.messageSeq)).map((i) => i.messageSeq)).toEqual([c, b]); // a came while muted
    const unread = before.unread;
    const one = await h.http('POST', '/api/me/notifications/read', { seqs: [b] }, dan.accessToken);
    expect(one.status).toBe(200);
    const after = await center(dan, one.body.seq);
    expect(after.unread).toBe(unread - 1);
    expect(after.items.find((i) => i.seq === b)!.read).toBe(true);
    expect(after.items.find((i) => i.seq === c)!.read).toBe(false);
    const all = await h.http('POST', '/api/me/notifications/read', { upToSeq: after.items[0].seq }, dan.accessToken);
    const done = await center(dan, all.body.seq);
    expect(done.unread).toBe(0);
    expect(done.items.every((i) => i.read)).toBe(true);
    const unreadOnly = await h.query('GET', `/api/me/notifications?unread=true`, undefined, dan.accessToken);
    expect(unreadOnly.body.items).toEqual([]);
  });

  it('shows only your own notifications', async () => {
    const s = await send(bob, 'hey @nt_ann');
    const mine = await center(ann, s);
    const theirs = await center(cat, s);
    expect(mine.items.some((i) => i.messageSeq === s)).toBe(true);
    expect(theirs.items.some((i) => i.messageSeq === s)).toBe(false);
    // Marking someone else's notification "read" by its seq changes nothing for them.
    const r = await h.http('POST', '/api/me/notifications/read', { seqs: [s] }, cat.accessToken);
    expect((await center(ann, r.body.seq)).items.find((i) => i.messageSeq === s)!.read).toBe(false);
  });
});

describe('settings', () => {
  it('reads back what was set', async () => {
    const seq = await patch(eve, '/api/me/notification-settings', { push: false, emailDelayMinutes: 30, quietHours: { start: '22:00', end: '07:30', timeZone: 'Europe/Paris' } });
    const r = await h.query('GET', `/api/me/notification-settings?minSeq=${seq}`, undefined, eve.accessToken);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ level: 'mentions', push: false, email: true, emailDelayMinutes: 30, quietHours: { start: '22:00', end: '07:30', timeZone: 'Europe/Paris' }, rooms: [], mutedThreads: [] });
    // A zone in any letter case is stored by its canonical name.
    const lower = await patch(eve, '/api/me/notification-settings', { quietHours: { start: '22:00', end: '07:30', timeZone: 'europe/paris' } });
    expect((await h.query('GET', `/api/me/notification-settings?minSeq=${lower}`, undefined, eve.accessToken)).body.quietHours).toEqual({ start: '22:00', end: '07:30', timeZone: 'Europe/Paris' });
    const s2 = await patch(eve, '/api/me/notification-settings', { quietHours: null });
    expect((await h.query('GET', `/api/me/notification-settings?minSeq=${s2}`, undefined, eve.accessToken)).body.quietHours).toBeNull();
  });

  it('refuses bad settings with validation_failed and appends nothing', async () => {
    const count = await h.streamCount();
    for (const body of [{ level: 'loud' }, {}, { emailDelayMinutes: -1 }, { emailDelayMinutes: 1441 }, { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }, { push: 'yes' }, { quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC', days: 'weekdays' } }, { quietHours: { start: '22:00', end: '22:00', timeZone: 'UTC' } }]) {
      const r = await h.http('PATCH', '/api/me/notification-settings', body, eve.accessToken);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const read = await h.http('POST', '/api/me/notifications/read', { seqs: [1], upToSeq: 3 }, eve.accessToken);
    expect(read.body.error.code).toBe('validation_failed');
    expect(await h.streamCount()).toBe(count);
  });

  it("a room's settings are for its members: a private room is not found, a public one not_member", async () => {
    const priv = await h.http('POST', '/api/rooms', { name: 'secret', visibility: 'private' }, ann.accessToken);
    const r1 = await h.http('PATCH', `/api/rooms/${priv.body.roomId}/notification-settings`, { muted: true }, eve.accessToken);
    expect([r1.status, r1.body.error.code]).toEqual([404, 'room_not_found']);
    const r2 = await h.http('PATCH', `/api/rooms/${roomId}/notification-settings`, { muted: true }, eve.accessToken);
    expect([r2.status, r2.body.error.code]).toEqual([403, 'not_member']);
    const r3 = await h.http('PATCH', `/api/rooms/nope/messages/5/thread-mute`, { muted: true }, eve.accessToken);
    expect([r3.status, r3.body.error.code]).toEqual([404, 'room_not_found']);
    const unauth = await h.query('GET', '/api/me/notifications');
    expect(unauth.status).toBe(401);
  });
});
