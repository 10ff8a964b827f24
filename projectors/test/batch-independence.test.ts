import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, foldMessage, messageTarget, NoMentions, sortGroups, type MessageState, type NewEvent, type RawEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import { createReadModelSchema } from '@natter/infra/provision';
import type { Kysely } from 'kysely';
import { applyBatch, chatProjection } from '../src/index';
import { searchProjection } from '../src/search/search.projection';
import { dump, ev, rawEvents, silent, startReadModelDb, type Ev } from './fixtures';

/**
 * The property a rebuild relies on: however the stream is cut into batches, the rows come out the same.
 * A random but valid history (what the commands would append: joins of non-members, leaves of members,
 * sends by members, rejoins, renames, deactivations, the people events: roles, transfers, bans and
 * unbans, invites and their uses, archive, room settings, sessions, server admins, registration, read markers of
 * rooms and threads, and message changes as racing commands can store them: edits, reactions, pins and replies,
 * also after a delete) is
 * applied to one schema as a single batch and to others cut at random places, through applyBatch (the live
 * projector's code) into real Postgres.
 */
let env: Awaited<ReturnType<typeof startReadModelDb>>;
let db: Kysely<ReadModelDB>;
beforeAll(async () => {
  env = await startReadModelDb();
  db = env.db;
});
afterAll(() => env?.stop());

/** mulberry32: a small seeded PRNG, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function history(rand: () => number, length: number): Ev[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
  const out: Ev[] = users.map((u) => ev.register(u, `User${u}`));
  const members = new Map<string, Set<string>>();
  const banned = new Map<string, Set<string>>();
  const invites = new Map<string, string[]>();
  const sessions: [string, string][] = [];
  // Messages by seq (the seq raw() gives an event is its index + 1). Changes to them include what racing
  // commands can store: edits, reactions and pins after a delete, a second delete, re-adding a reaction.
  const messages: { room: string; seq: number; sender: string; root: number | null }[] = [];
  const emoji = ['thumbsup', 'tada', 'heart'];
  let n = 0;
  // Read markers draw from a PRNG of their own, between the other events: the rest of the history does not
  // depend on how many there are (the thresholds below hold for the seeds' other events).
  const markRand = prng(Math.floor(rand() * 2 ** 32));
  let markers = 0;
  while (out.length - markers < length) {
    if (messages.length && markRand() < 0.05) {
      // a member reads up to a message of the room, or of its thread (markers only move forward: some go back)
      const target = messages[Math.floor(markRand() * messages.length)];
      const readers = [...(members.get(target.room) ?? [])];
      const reader = readers[Math.floor(markRand() * readers.length)];
      if (reader) {
        out.push(ev.markRead(reader, [target.root && markRand() < 0.5 ? { roomId: target.room, seq: target.seq, threadRootSeq: target.root } : { roomId: target.room, seq: target.seq }]));
        markers++;
      }
    }
    const r = rand();
    const rooms = [...members.keys()];
    if (rooms.length < 2 || r < 0.05) {
      const room = `r${members.size}`;
      const owner = pick(users);
      out.push(ev.room(room, `room ${room}`, owner), ev.join(room, owner, 'owner'));
      members.set(room, new Set([owner]));
      continue;
    }
    const room = pick(rooms);
    const m = members.get(room)!;
    const bans = (banned.get(room) ?? banned.set(room, new Set()).get(room))!;
    const outside = users.filter((u) => !m.has(u) && !bans.has(u));
    const roomInvites = invites.get(room) ?? [];
    const people = rand();
    if (r >= 0.52 && people < 0.3) {
      // the people events, each about as often as a leave
      const k = Math.floor(rand() * 12);
      const member = pick([...m]);
      if (k === 0) out.push(ev.role(room, member, pick(['admin', 'moderator', 'member'] as const)));
      else if (k === 1 && m.size > 1) out.push(ev.transfer(room, member, pick([...m].filter((u) => u !== member))));
      else if (k === 2 && m.size > 1) {
        out.push(ev.ban(room, member, true));
        m.delete(member);
        bans.add(member);
      } else if (k === 3 && outside.length) {
        const u = pick(outside);
        out.push(ev.ban(room, u, false));
        bans.add(u);
      } else if (k === 4 && bans.size) {
        const u = pick([...bans]);
        out.push(ev.unban(room, u));
        bans.delete(u);
      } else if (k === 5) {
        const id = `i${++n}`;
        out.push(ev.invite(room, id));
        invites.set(room, [...roomInvites, id]);
      } else if (k === 6 && roomInvites.length && outside.length) {
        const u = pick(outside);
        out.push(ev.joinByInvite(room, u, pick(roomInvites)));
        m.add(u);
      } else if (k === 7 && roomInvites.length) out.push(ev.revokeInvite(room, pick(roomInvites)));
      else if (k === 8) out.push(pick([ev.update(room, `renamed ${++n}`), ev.archive(room, rand() < 0.5)]));
      else if (k === 9) out.push(pick([ev.bio(pick(users), `bio ${++n}`, `status ${n}`), ev.reactivate(pick(users))]));
      else if (k === 10 && (sessions.length === 0 || rand() < 0.5)) {
        const s = [pick(users), `sess${++n}`] as [string, string];
        out.push(ev.session(...s));
        sessions.push(s);
      } else if (k === 10) out.push(ev.endSession(...pick(sessions)));
      else out.push(pick([ev.grantAdmin(pick(users)), ev.revokeAdmin(pick(users)), ev.registration(rand() < 0.5)]));
      continue;
    }
    if (r < 0.3 && outside.length) {
      const u = pick(outside);
      out.push(ev.join(room, u, pick(['member', 'admin'] as const)));
      m.add(u);
    } else if (r < 0.45 && m.size > 1) {
      const u = pick([...m]);
      out.push(ev.leave(room, u));
      m.delete(u);
    } else if (r < 0.5) {
      out.push(ev.profile(pick(users), `Name ${++n}`));
    } else if (r < 0.52) {
      out.push(pick([ev.deactivate(pick(users)), ev.revoke(pick(users))]));
    } else if (r < 0.53) {
      out.push(ev.settings(room, pick([null, 60, 3600]), rand() < 0.5));
    } else if (r < 0.75 && messages.length) {
      const target = pick(messages.slice(-20));
      const who = pick(users);
      const c = rand();
      if (c < 0.15) out.push(ev.edit(target.room, target.seq, `edit ${++n}`, { userIds: [who], room: rand() < 0.3, here: false }));
      else if (c < 0.45) out.push(ev.react(target.room, target.seq, who, pick(emoji)));
      else if (c < 0.6) out.push(ev.unreact(target.room, target.seq, who, pick(emoji)));
      else if (c < 0.7) out.push(ev.pin(target.room, target.seq, who));
      else if (c < 0.78) out.push(ev.unpin(target.room, target.seq, who));
      else if (c < 0.88) out.push(ev.del(target.room, target.seq, who));
      else {
        const root = messages.find((x) => x.seq === (target.root ?? target.seq))!;
        out.push(ev.reply(target.room, pick([...(members.get(target.room) ?? [who])]), ++n, { seq: root.seq, senderId: root.sender }, rand() < 0.3));
        messages.push({ room: target.room, seq: out.length, sender: (out.at(-1)![1].data as { senderId: string }).senderId, root: root.seq });
      }
    } else {
      out.push(ev.msg(room, pick([...m]), ++n));
      messages.push({ room, seq: out.length, sender: (out.at(-1)![1].data as { senderId: string }).senderId, root: null });
    }
  }
  return out;
}

const raw = (events: readonly Ev[]): RawEvent[] => rawEvents(events, 1, null);

let schemas = 0;
async function project(events: RawEvent[], cuts: number[]): Promise<string> {
  const schema = `bi_${schemas++}`;
  await createReadModelSchema(db, schema);
  let from = 0;
  for (const to of [...cuts, events.length]) {
    await applyBatch(db, schema, chatProjection, events.slice(from, to), silent);
    await applyBatch(db, schema, searchProjection, events.slice(from, to), silent);
    from = to;
  }
  return schema;
}

type Dump = Awaited<ReturnType<typeof dump>>;

type Counts = Record<string, { readSeq: number; unread: number; mentions: number; firstUnreadSeq: number | null }>;

/** Unread and mention counts per member as query-api reads them: off the membership row and the room totals. */
function countsKept(d: Dump): Counts {
  const rooms = new Map(d.rooms.map((r) => [r.id, r]));
  const out: Counts = {};
  for (const m of d.room_members) {
    const r = rooms.get(m.room_id)!;
    out[`${m.room_id}/${m.user_id}`] = {
      readSeq: Number(m.read_seq),
      unread: Number(r.msg_ord) - Number(m.read_ord) - (Number(r.deleted_msgs) - Number(m.read_deleted)),
      mentions: Number(m.mentions_total) + Number(r.room_mentions) - Number(m.read_mentions),
      firstUnreadSeq: m.first_unread_seq === null ? null : Number(m.first_unread_seq),
    };
  }
  return out;
}

/** The same counted from the rows: other people's live timeline messages after the marker, and their mention rows. */
function countsFromRows(d: Dump): Counts {
  const out: Counts = {};
  for (const m of d.room_members) {
    const marker = d.read_markers.find((k) => k.room_id === m.room_id && k.user_id === m.user_id && Number(k.thread_root_seq) === 0);
    const at = Math.max(Number(marker?.seq ?? 0), Number(m.joined_seq));
    const unread = d.messages.filter((x) => x.room_id === m.room_id && x.in_room && !x.deleted && x.sender_id !== m.user_id && Number(x.seq) > at);
    out[`${m.room_id}/${m.user_id}`] = {
      readSeq: at,
      unread: unread.length,
      mentions: d.message_mentions.filter((k) => k.room_id === m.room_id && (k.user_id === m.user_id || k.user_id === '*') && Number(k.seq) > at).length,
      firstUnreadSeq: unread.length ? Math.min(...unread.map((x) => Number(x.seq))) : null,
    };
  }
  return out;
}

describe('batch independence of the chat projection', () => {
  it('gives the same rows for one batch, one event per batch and random splits of a random history', async () => {
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const events = raw(history(rand, 600));
      const whole = await dump(db, await project(events, []));
      expect(whole.messages.length, `seed ${seed}`).toBeGreaterThan(50);
      expect(whole.room_members.length, `seed ${seed}`).toBeGreaterThan(5);
      expect(whole.room_bans.length + whole.room_invites.length, `seed ${seed}`).toBeGreaterThan(3);
      // the audit log holds every event that is not on a room's .msg subject
      expect(whole.audit_log.length, `seed ${seed}`).toBe(events.filter((e) => !e.subject.endsWith('.msg')).length);
      // the message changes really happened (and some were voided by deletes)
      expect(whole.messages.filter((m) => m.deleted).length, `seed ${seed}`).toBeGreaterThan(3);
      expect(whole.messages.filter((m) => m.edited_seq !== null).length, `seed ${seed}`).toBeGreaterThan(3);
      expect(whole.messages.filter((m) => m.reply_count > 0).length, `seed ${seed}`).toBeGreaterThan(3);
      expect(whole.message_reactions.length, `seed ${seed}`).toBeGreaterThan(5);
      expect(whole.read_markers.length, `seed ${seed}`).toBeGreaterThan(3);
      expect(whole.read_markers.some((m) => m.thread_root_seq !== 0), `seed ${seed}`).toBe(true);
      expect(whole.message_edits.length + whole.message_pins.length + whole.thread_participants.length + whole.room_settings.length, `seed ${seed}`).toBeGreaterThan(10);
      // and nothing hangs off a tombstone
      const dead = new Set(whole.messages.filter((m) => m.deleted).map((m) => `${m.room_id}:${m.seq}`));
      for (const t of [whole.message_edits, whole.message_reactions, whole.message_pins]) {
        expect(t.filter((row) => dead.has(`${row.room_id}:${row.message_seq}`)), `seed ${seed}`).toEqual([]);
      }
      expect(whole.messages.filter((m) => m.deleted && (m.text !== '' || m.edited_text !== null)), `seed ${seed}`).toEqual([]);
      // the search index (issue 12) is the messages' current text: the edit if any, nothing for a tombstone
      expect(whole.search_messages.map((m) => [m.room_id, m.seq, m.deleted, m.text]), `seed ${seed}`).toEqual(
        whole.messages.map((m) => [m.room_id, m.seq, m.deleted, m.deleted ? '' : (m.edited_text ?? m.text)]),
      );
      // the counts kept at each member's marker (read-model v4, first unread v5) equal the ones counted from the rows behind it
      expect(countsKept(whole), `seed ${seed}`).toEqual(countsFromRows(whole));
      expect(whole.room_members.filter((m) => m.read_mentions > 0).length, `seed ${seed}`).toBeGreaterThan(0);
      expect(whole.room_members.filter((m) => m.read_deleted > 0).length, `seed ${seed}`).toBeGreaterThan(0);
      expect(whole.room_members.filter((m) => m.first_unread_seq !== null).length, `seed ${seed}`).toBeGreaterThan(0);
      const single = events.map((_, i) => i + 1).slice(0, -1);
      const splits = [single, ...[0, 1, 2].map(() => [...new Set(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => 1 + Math.floor(rand() * (events.length - 1))))].sort((a, b) => a - b))];
      for (const cuts of splits) {
        expect(await dump(db, await project(events, cuts)), `seed ${seed}, cuts ${cuts.join(',')}`).toEqual(whole);
      }
    }
  }, 180_000);
});

describe('the chat projection follows the message rule (contracts foldMessage)', () => {
  it('ends every message of a racy history in the state the fold gives, tombstones included', async () => {
    const events = raw(history(prng(7), 500));
    const rows = await dump(db, await project(events, [97, 250, 251, 400]));
    // The rule, applied event by event the way a client does.
    const folded = new Map<string, MessageState & { roomId: string }>();
    for (const r of events) {
      const e = decodeEvent(r.seq, r.subject, r.data);
      if (e.type === 'MessageSent') {
        folded.set(`${e.data.roomId}:${e.seq}`, { roomId: e.data.roomId, seq: e.seq, text: e.data.text, mentions: e.data.mentions ?? NoMentions, edited: null, deleted: null, replies: null, reactions: [], pinned: null });
      }
      const target = messageTarget(e);
      const key = target && `${(e.data as { roomId: string }).roomId}:${target}`;
      if (key && folded.has(key)) folded.set(key, foldMessage(folded.get(key)!, e.seq, e));
    }
    const iso = (d: unknown) => new Date(d as string).toISOString();
    const projected = rows.messages.map((m) => {
      const reactions = rows.message_reactions.filter((x) => x.room_id === m.room_id && Number(x.message_seq) === Number(m.seq));
      const emoji = [...new Set(reactions.map((x) => x.emoji))];
      const pin = rows.message_pins.find((x) => x.room_id === m.room_id && Number(x.message_seq) === Number(m.seq));
      return {
        roomId: m.room_id,
        seq: Number(m.seq),
        text: m.edited_text ?? m.text,
        mentions: m.mentions,
        edited: m.edited_seq === null ? null : { seq: Number(m.edited_seq), at: iso(m.edited_at) },
        deleted: m.deleted ? { seq: Number(m.deleted_seq), by: m.deleted_by, at: iso(m.deleted_at) } : null,
        replies: m.reply_count ? { count: m.reply_count, lastSeq: Number(m.last_reply_seq), lastAt: iso(m.last_reply_at) } : null,
        reactions: sortGroups(emoji.map((em) => {
          const users = reactions.filter((x) => x.emoji === em).sort((a, b) => Number(a.seq) - Number(b.seq)).map((x) => x.user_id);
          return { emoji: em, count: users.length, userIds: users };
        })),
        pinned: pin ? { by: pin.pinned_by, seq: Number(pin.pinned_seq), at: iso(pin.pinned_at) } : null,
      };
    });
    const expected = [...folded.values()].sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : a.seq - b.seq));
    expect(projected.filter((m) => m.deleted).length).toBeGreaterThan(3);
    expect(projected.filter((m) => m.reactions.length > 0).length).toBeGreaterThan(3);
    expect(projected).toEqual(expected);
  });
});
