import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { encodeEvent, Subjects, type NewEvent, type RawEvent } from '@natter/contracts';
import { applyBatch, type Projection } from '../src/runtime/projection';
import { notificationsProjection } from '../src/notifications/notifications.projection';
import { NotifySchema } from '../src/notifications/notify.repository';
import { silent, startEnv, type Env } from './fixtures';

// The notifications projection applied to Postgres directly (applyBatch, as its runner does), with events
// whose `at` is chosen and a fixed `now`: what it writes to the center and the outbox.

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
let nextSeq = 1;

/** Raw events at consecutive seqs, each at the given time (default: now). */
const raw = (events: readonly (readonly [string, NewEvent, number?])[]): RawEvent[] =>
  events.map(([subject, e, at]) => ({ seq: nextSeq++, subject, data: encodeEvent(e, null, new Date(at ?? NOW)).body }));

const apply = async (projection: Projection, events: RawEvent[]) => applyBatch(env.db, NotifySchema, projection, events, silent);

const deliveries = async (seq: number) =>
  (await sql<{ user_id: string; channel: string; status: string }>`select user_id, channel, status from notify.deliveries where seq = ${seq} order by user_id, channel`.execute(env.db)).rows;

const mention = (roomId: string, senderId: string, n: number, userIds: string[], at?: number) =>
  [Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId: `m-${roomId}-${n}`, senderId, clientMsgId: `c${n}`, text: `hi ${n}`, mentions: { userIds, room: false, here: false } } }, at] as const;

const room = (roomId: string, members: string[]) => [
  [Subjects.roomMeta(roomId), { type: 'RoomCreated', data: { roomId, name: roomId, topic: '', visibility: 'public', createdBy: members[0] } }] as const,
  ...members.map((userId) => [Subjects.roomMeta(roomId), { type: 'MemberJoined', data: { roomId, userId, role: 'member', addedBy: null } }] as const),
];

const user = (userId: string) => [Subjects.user(userId), { type: 'UserRegistered', data: { userId, username: userId, displayName: userId, email: `${userId}@example.org` } }] as const;

describe('notifications projection', () => {
  it('a deleted message cancels the pending push and email of every recipient, and only its own', async () => {
    const p = notificationsProjection({ pushHorizonMs: 600_000, emailHorizonMs: 600_000, now: () => NOW });
    const setup = raw([user('da'), user('db'), user('dc'), ...room('rd', ['da', 'db', 'dc'])]);
    const [first, second] = raw([mention('rd', 'da', 1, ['db', 'dc']), mention('rd', 'da', 2, ['db', 'dc'])]);
    await apply(p, [...setup, first, second]);
    expect((await deliveries(first.seq)).map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending']);

    await apply(p, raw([[Subjects.roomMsg('rd'), { type: 'MessageDeleted', data: { roomId: 'rd', messageSeq: first.seq, deletedBy: 'da' } }]]));
    expect(await deliveries(first.seq)).toEqual([
      { user_id: 'db', channel: 'email', status: 'cancelled' },
      { user_id: 'db', channel: 'push', status: 'cancelled' },
      { user_id: 'dc', channel: 'email', status: 'cancelled' },
      { user_id: 'dc', channel: 'push', status: 'cancelled' },
    ]);
    expect((await deliveries(second.seq)).map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    const left = await sql<{ n: number }>`select count(*)::int as n from notify.notifications where room_id = 'rd' and message_seq = ${first.seq}`.execute(env.db);
    expect(left.rows[0].n).toBe(0);
  });

  it('after an outage longer than the push horizon, messages sent during it still get email rows (push only within its horizon)', async () => {
    const p = notificationsProjection({ pushHorizonMs: 600_000, emailHorizonMs: 24 * 3600_000, now: () => NOW });
    const min = 60_000;
    const [u1, u2, u3, ...rest] = raw([user('ha'), user('hb'), user('hc'), ...room('rh', ['ha', 'hb', 'hc'])]);
    const [old, during, emailOff, afterOff, recent] = raw([
      mention('rh', 'ha', 1, ['hb', 'hc'], NOW - 3 * 24 * 60 * min), // history: neither
      mention('rh', 'ha', 2, ['hb', 'hc'], NOW - 120 * min), // sent during a 2-hour outage: email only
      [Subjects.user('hc'), { type: 'NotificationSettingsChanged', data: { userId: 'hc', email: false } }, NOW - 100 * min],
      mention('rh', 'ha', 3, ['hb', 'hc'], NOW - 90 * min), // email only, and not for hc any more
      mention('rh', 'ha', 4, ['hb', 'hc'], NOW - min), // recent: both
    ]);
    // All in one batch, as a catch-up after the outage applies them.
    await apply(p, [u1, u2, u3, ...rest, old, during, emailOff, afterOff, recent]);
    expect(await deliveries(old.seq)).toEqual([]);
    expect(await deliveries(during.seq)).toEqual([
      { user_id: 'hb', channel: 'email', status: 'pending' },
      { user_id: 'hc', channel: 'email', status: 'pending' }, // hc's settings at that point of the stream
    ]);
    expect(await deliveries(afterOff.seq)).toEqual([{ user_id: 'hb', channel: 'email', status: 'pending' }]);
    expect(await deliveries(recent.seq)).toEqual([
      { user_id: 'hb', channel: 'email', status: 'pending' },
      { user_id: 'hb', channel: 'push', status: 'pending' },
      { user_id: 'hc', channel: 'push', status: 'pending' },
    ]);
    // Email due after the person's delay from the message's time (15 min default): already due for the outage's.
    const due = await sql<{ due_at: Date }>`select due_at from notify.deliveries where seq = ${during.seq} and user_id = 'hb' and channel = 'email'`.execute(env.db);
    expect(due.rows[0].due_at.getTime()).toBe(NOW - 120 * min + 15 * min);
    // The center has all four messages, whatever the horizons.
    const center = await sql<{ n: number }>`select count(*)::int as n from notify.notifications where user_id = 'hb' and room_id = 'rh'`.execute(env.db);
    expect(center.rows[0].n).toBe(4);
  });

  it('reads the same notifications however the stream is cut into batches: a send or a marker reads what came before it, never after', async () => {
    const p = notificationsProjection({ pushHorizonMs: 600_000, emailHorizonMs: 600_000, now: () => NOW });
    /** A history in room `r`: a mentions b three times; b replies after the first (reading it), then marks up to the second. */
    const history = (r: string, a: string, b: string) => {
      const setup = raw([user(a), user(b), ...room(r, [a, b])]);
      const [m1] = raw([mention(r, a, 1, [b])]);
      const [reply] = raw([mention(r, b, 2, [])]);
      const [m2, m3] = raw([mention(r, a, 3, [b]), mention(r, a, 4, [b])]);
      const [marker] = raw([[Subjects.user(b), { type: 'ReadMarkersMoved', data: { userId: b, markers: [{ roomId: r, seq: m2.seq }] } }]]);
      const [m4] = raw([mention(r, a, 5, [b])]);
      return { events: [...setup, m1, reply, m2, m3, marker, m4], mentions: [m1, m2, m3, m4].map((e) => e.seq) };
    };
    const readState = async (r: string, b: string, mentions: number[]) => {
      const rows = (await sql<{ message_seq: string; read: boolean }>`select message_seq, read from notify.notifications where room_id = ${r} and user_id = ${b} order by message_seq`.execute(env.db)).rows;
      return rows.map((x) => [mentions.indexOf(Number(x.message_seq)) + 1, x.read]);
    };
    const expected = [[1, true], [2, true], [3, false], [4, false]];

    const whole = history('bw', 'bwa', 'bwb');
    await apply(p, whole.events);
    expect(await readState('bw', 'bwb', whole.mentions)).toEqual(expected);

    const single = history('bs', 'bsa', 'bsb');
    for (const e of single.events) await apply(p, [e]);
    expect(await readState('bs', 'bsb', single.mentions)).toEqual(expected);
  });

  it('decides the same recipients, kinds and outbox rows whether consecutive sends come in one batch or one by one', async () => {
    const p = notificationsProjection({ pushHorizonMs: 600_000, emailHorizonMs: 600_000, now: () => NOW });
    /**
     * A mix in rooms of prefix `x`: a DM, mentions, @room, someone with level `all`, a room set to `all` by
     * one member and muted by another, a thread whose replies make followers of the next reply's audience,
     * and a join and a settings change between sends (the run of sends ends there and starts again).
     */
    const history = (x: string) => {
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => `${x}${n}`);
      const send = (roomId: string, senderId: string, n: number, more: Record<string, unknown> = {}) =>
        [Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId: `m-${roomId}-${n}`, senderId, clientMsgId: `c${n}`, text: `hi ${n}`, ...more } }] as const;
      const r = `${x}r`;
      const dm = `${x}dm`;
      const setup = raw([
        user(a), user(b), user(c), user(d),
        ...room(r, [a, b, c]),
        [Subjects.roomMeta(dm), { type: 'DirectMessageStarted', data: { roomId: dm, memberIds: [a, d], startedBy: a } }],
        [Subjects.roomMeta(dm), { type: 'MemberJoined', data: { roomId: dm, userId: a, role: 'member', addedBy: null } }],
        [Subjects.roomMeta(dm), { type: 'MemberJoined', data: { roomId: dm, userId: d, role: 'member', addedBy: null } }],
        [Subjects.user(b), { type: 'RoomNotificationSettingsChanged', data: { userId: b, roomId: r, level: 'all' } }],
      ]);
      const [root] = raw([send(r, a, 1)]);
      const rest = raw([
        send(r, c, 2, { mentions: { userIds: [a], room: false, here: false } }),
        send(dm, a, 3),
        send(r, b, 4, { thread: { rootSeq: root.seq, rootSenderId: a, alsoToRoom: false } }),
        send(r, c, 5, { thread: { rootSeq: root.seq, rootSenderId: a, alsoToRoom: false } }),
        send(r, a, 6, { thread: { rootSeq: root.seq, rootSenderId: a, alsoToRoom: true } }),
        send(r, a, 7, { mentions: { userIds: [], room: true, here: false } }),
        [Subjects.roomMeta(r), { type: 'MemberJoined', data: { roomId: r, userId: d, role: 'member', addedBy: null } }],
        send(r, b, 8),
        [Subjects.user(c), { type: 'RoomNotificationSettingsChanged', data: { userId: c, roomId: r, muted: true } }],
        [Subjects.user(d), { type: 'NotificationSettingsChanged', data: { userId: d, level: 'all', push: false } }],
        send(r, a, 9, { mentions: { userIds: [c], room: false, here: false } }),
        send(dm, d, 10),
      ]);
      return [...setup, root, ...rest];
    };
    /** Everything written for prefix `x`'s rooms, with the prefix taken out and seqs as offsets from the first. */
    const written = async (x: string, first: number) => {
      const n = (await sql<Record<string, unknown>>`select user_id, seq, kind, room_id, thread_root_seq, read from notify.notifications where room_id like ${`${x}%`} order by seq, user_id`.execute(env.db)).rows;
      const o = (await sql<Record<string, unknown>>`select user_id, seq, channel, room_id from notify.deliveries where room_id like ${`${x}%`} order by seq, user_id, channel`.execute(env.db)).rows;
      const norm = (rows: Record<string, unknown>[]) =>
        rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && v.startsWith(x) ? v.slice(x.length) : k.endsWith('seq') && v !== null ? Number(v) - first : v])));
      return { notifications: norm(n), deliveries: norm(o) };
    };

    const whole = history('cw');
    await apply(p, whole);
    const single = history('cs');
    for (const e of single) await apply(p, [e]);
    const a = await written('cw', whole[0].seq);
    const b = await written('cs', single[0].seq);
    expect(a).toEqual(b);
    // What the mix is for: each kind and setting shows up (a run decided wrongly as a whole would differ above,
    // and one decided wrongly both ways would miss these).
    const kinds = a.notifications.map((row) => `${row.user_id}:${row.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['b:message', 'a:mention', 'd:dm', 'a:dm', 'a:reply', 'b:thread', 'c:room_mention', 'b:room_mention']));
    expect(kinds).not.toContain('c:mention'); // c muted the room before message 9 named it
    expect(kinds).toContain('d:message'); // level all from message 9 on
    // d turned push off with it: message 9 mails d but pushes nothing; the DM before it pushed.
    expect(a.deliveries.filter((row) => row.user_id === 'd').map((row) => `${row.room_id}:${row.channel}`)).toEqual(['dm:email', 'dm:push', 'r:email']);
  });
});
