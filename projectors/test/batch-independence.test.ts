import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, type NewEvent, type RawEvent } from '@natter/contracts';
import { createKysely, type ReadModelDB } from '@natter/infra/runtime';
import { createReadModelSchema } from '@natter/infra/provision';
import { createTestDatabase, type TestDatabase } from '@natter/infra/testing';
import type { Kysely } from 'kysely';
import { applyBatch, chatProjection } from '../src/index';
import { dump, ev, silent, type Ev } from './fixtures';

/**
 * The property a rebuild relies on: however the stream is cut into batches, the rows come out the same.
 * A random but valid history (what the commands would append: joins of non-members, leaves of members,
 * sends by members, rejoins, renames, deactivations, and the people events: roles, transfers, bans and
 * unbans, invites and their uses, archive, room settings, sessions, server admins, registration) is applied
 * to one schema as a single batch and to others cut at random places, through applyBatch (the live
 * projector's code) into real Postgres.
 */
let pg: TestDatabase;
let db: Kysely<ReadModelDB>;
beforeAll(async () => {
  pg = await createTestDatabase();
  db = createKysely<ReadModelDB>(pg.url, 2);
});
afterAll(async () => {
  await db?.destroy();
  await pg?.drop();
});

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
  let n = 0;
  while (out.length < length) {
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
    if (r >= 0.52 && people < 0.45) {
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
    } else {
      out.push(ev.msg(room, pick([...m]), ++n));
    }
  }
  return out;
}

const raw = (events: readonly Ev[]): RawEvent[] =>
  events.map(([subject, e]: readonly [string, NewEvent], i) => ({ seq: i + 1, subject, data: encodeEvent(e, null, new Date('2026-01-02T03:04:05.000Z')).body }));

let schemas = 0;
async function project(events: RawEvent[], cuts: number[]): Promise<string> {
  const schema = `bi_${schemas++}`;
  await createReadModelSchema(db, schema);
  let from = 0;
  for (const to of [...cuts, events.length]) {
    await applyBatch(db, schema, chatProjection, events.slice(from, to), silent);
    from = to;
  }
  return schema;
}

describe('batch independence of the chat projection', () => {
  it('gives the same rows for one batch, one event per batch and random splits of a random history', async () => {
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const events = raw(history(rand, 300));
      const whole = await dump(db, await project(events, []));
      expect(whole.messages.length, `seed ${seed}`).toBeGreaterThan(50);
      expect(whole.room_members.length, `seed ${seed}`).toBeGreaterThan(5);
      expect(whole.room_bans.length + whole.room_invites.length, `seed ${seed}`).toBeGreaterThan(3);
      expect(whole.audit_log.length, `seed ${seed}`).toBe(events.length - whole.messages.length);
      const single = events.map((_, i) => i + 1).slice(0, -1);
      const splits = [single, ...[0, 1, 2].map(() => [...new Set(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => 1 + Math.floor(rand() * (events.length - 1))))].sort((a, b) => a - b))];
      for (const cuts of splits) {
        expect(await dump(db, await project(events, cuts)), `seed ${seed}, cuts ${cuts.join(',')}`).toEqual(whole);
      }
    }
  });
});
