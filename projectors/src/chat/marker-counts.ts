import { sql, type Transaction } from 'kysely';
import { markersMovedBySend, type StoredEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import type { MentionChange } from './mention-rows';

/**
 * Keeps the counts at each member's room marker (issue 12, read-model v4: read-model.sql, "counts kept at each
 * reader's marker"), so `GET /api/me/rooms` reads unread and mention counts off the membership row instead of
 * probing the messages behind every marker. Runs in the batch's transaction after the ordinals and the mention
 * rows. Every value is recomputed from the rows as the batch left them (never incremented), for:
 * - rooms whose deleted messages or @room mentions changed: `deleted_msgs`, `room_mentions`;
 * - members whose own mention rows changed, or who joined: `mentions_total`;
 * - members whose marker moved (ReadMarkersMoved, their own send, a join), whose mention rows changed, and every
 *   member of a room at or past a message the batch deleted or edited: `read_seq`, `read_ord`, `read_deleted`,
 *   `read_mentions`, `first_unread_seq`.
 * Nothing else changes those counts: a new message is always after every marker but its sender's, which it moves.
 * The probes behind a marker are short (they count what is after it, then subtract from the room's totals).
 * `first_unread_seq` (v5) also changes without a marker moving, and is recomputed then too: for members of a room
 * with a new message who had nothing unread (null), and for members whose first unread message was deleted.
 * A member with a first unread message keeps it whatever is sent after it.
 */
export async function syncMarkerCounts(trx: Transaction<ReadModelDB>, schema: string, events: readonly StoredEvent[], mentions: readonly MentionChange[]): Promise<void> {
  const recount = new Set<string>(); // rooms
  const sentIn = new Set<string>(); // rooms with a new message
  const deleted = { rooms: [] as string[], seqs: [] as number[] }; // deleted messages
  const changedAt = new Map<string, number>(); // room -> lowest seq deleted or edited in the batch
  const totals = new Pairs(); // (room, user): mentions_total
  const moved = new Pairs(); // (room, user): what is at the marker
  for (const e of events) {
    if (e.type === 'ReadMarkersMoved') {
      for (const m of e.data.markers) if (!m.threadRootSeq) moved.add(m.roomId, e.data.userId);
    } else if (e.type === 'MessageSent') {
      sentIn.add(e.data.roomId);
      if (markersMovedBySend(e.data.roomId, e.seq, e.data.thread).some((m) => !m.threadRootSeq)) moved.add(e.data.roomId, e.data.senderId);
    } else if (e.type === 'MemberJoined') {
      moved.add(e.data.roomId, e.data.userId);
      totals.add(e.data.roomId, e.data.userId);
    } else if (e.type === 'MessageEdited' || e.type === 'MessageDeleted') {
      recount.add(e.data.roomId);
      changedAt.set(e.data.roomId, Math.min(changedAt.get(e.data.roomId) ?? Infinity, e.data.messageSeq));
      if (e.type === 'MessageDeleted') {
        deleted.rooms.push(e.data.roomId);
        deleted.seqs.push(e.data.messageSeq);
      }
    }
  }
  for (const m of mentions) {
    if (m.userId === '*') recount.add(m.roomId);
    else {
      totals.add(m.roomId, m.userId);
      moved.add(m.roomId, m.userId);
    }
  }
  const s = sql.id(schema);
  await recountRoomTotals(trx, s, [...recount]);
  await recountMentionTotals(trx, s, totals);
  // Not the members whose marker moved (the sender of a new message among them): the markers' recount sets
  // theirs, so writing them here too would write their row twice (a dead tuple per message).
  await refreshFirstUnread(trx, s, [...sentIn], deleted, moved);
  await recountAtMarkers(trx, s, moved, changedAt);
}

/**
 * Every count of every member of `roomIds`, as the projection keeps them: for rows written other than by the
 * projection (the unread benchmark seeds the read model directly).
 */
export async function recountRooms(trx: Transaction<ReadModelDB>, schema: string, roomIds: readonly string[]): Promise<void> {
  const s = sql.id(schema);
  const members = new Pairs();
  for (const m of (await sql<{ room_id: string; user_id: string }>`select room_id, user_id from ${s}.room_members where room_id = any(${[...roomIds]}::text[])`.execute(trx)).rows) members.add(m.room_id, m.user_id);
  await recountRoomTotals(trx, s, roomIds);
  await recountMentionTotals(trx, s, members);
  await recountAtMarkers(trx, s, members, new Map());
}

type Schema = ReturnType<typeof sql.id>;

async function recountRoomTotals(trx: Transaction<ReadModelDB>, s: Schema, roomIds: readonly string[]): Promise<void> {
  if (roomIds.length === 0) return;
  await sql`
    update ${s}.rooms r set
      deleted_msgs = (select count(*) from ${s}.messages d where d.room_id = r.id and d.in_room and d.deleted),
      room_mentions = (select count(*) from ${s}.message_mentions k where k.user_id = '*' and k.room_id = r.id)
    where r.id = any(${[...roomIds]}::text[])`.execute(trx);
}

async function recountMentionTotals(trx: Transaction<ReadModelDB>, s: Schema, members: Pairs): Promise<void> {
  if (members.size === 0) return;
  await sql`
    update ${s}.room_members m set mentions_total = (select count(*) from ${s}.message_mentions k where k.user_id = m.user_id and k.room_id = m.room_id)
    from unnest(${members.rooms}::text[], ${members.users}::text[]) as p(room_id, user_id)
    where m.room_id = p.room_id and m.user_id = p.user_id`.execute(trx);
}

/** The first live timeline message of `room` after seq `at` (the one probe wherever first_unread_seq is kept). */
const firstUnreadAfter = (s: Schema, room: ReturnType<typeof sql.ref>, at: ReturnType<typeof sql.ref>) =>
  sql`(select x.seq from ${s}.messages x where x.room_id = ${room} and x.in_room and not x.deleted and x.seq > ${at} order by x.seq limit 1)`;

/**
 * `first_unread_seq` where it changes without the marker moving: members of `sentIn` rooms with nothing unread
 * get the first new message after their marker (only rows that gain one are written), and members whose first
 * unread message is among the deleted ones get the next one (or null). Members in `moved` are left to
 * recountAtMarkers (which runs next and reads the marker this would read stale).
 */
async function refreshFirstUnread(trx: Transaction<ReadModelDB>, s: Schema, sentIn: readonly string[], deleted: { rooms: string[]; seqs: number[] }, moved: Pairs): Promise<void> {
  const notMoved = (m: string) =>
    sql`not exists (select 1 from unnest(${moved.rooms}::text[], ${moved.users}::text[]) as p(room_id, user_id) where p.room_id = ${sql.ref(`${m}.room_id`)} and p.user_id = ${sql.ref(`${m}.user_id`)})`;
  if (sentIn.length > 0) {
    await sql`
      update ${s}.room_members m set first_unread_seq = f.seq
      from (
        select c.room_id, c.user_id, ${firstUnreadAfter(s, sql.ref('c.room_id'), sql.ref('c.read_seq'))} as seq
        from ${s}.room_members c where c.room_id = any(${sentIn}::text[]) and c.first_unread_seq is null and ${notMoved('c')}
      ) f
      where m.room_id = f.room_id and m.user_id = f.user_id and f.seq is not null`.execute(trx);
  }
  if (deleted.rooms.length > 0) {
    await sql`
      update ${s}.room_members m set first_unread_seq = ${firstUnreadAfter(s, sql.ref('m.room_id'), sql.ref('m.read_seq'))}
      from unnest(${deleted.rooms}::text[], ${deleted.seqs}::bigint[]) as d(room_id, seq)
      where m.room_id = d.room_id and m.first_unread_seq = d.seq and ${notMoved('m')}`.execute(trx);
  }
}

/** What is at or before the marker of `members`, and of every member of a room at or past its `changedAt` seq. */
async function recountAtMarkers(trx: Transaction<ReadModelDB>, s: Schema, members: Pairs, changedAt: ReadonlyMap<string, number>): Promise<void> {
  if (members.size === 0 && changedAt.size === 0) return;
  // Members at or past a change: only when the batch deleted or edited something (a scan of the room's members).
  const atOrPast =
    changedAt.size === 0
      ? sql.raw('')
      : sql`union
        select m.room_id, m.user_id from ${s}.room_members m
        join unnest(${[...changedAt.keys()]}::text[], ${[...changedAt.values()]}::bigint[]) as c(room_id, seq) on c.room_id = m.room_id and m.read_seq >= c.seq`;
  // The room's totals by primary key per row (a join let the planner hash the whole rooms table every batch).
  await sql`
    with p as (
      select room_id, user_id from unnest(${members.rooms}::text[], ${members.users}::text[]) as p(room_id, user_id)
      ${atOrPast}
    ), mk as (
      select m.room_id, m.user_id, m.mentions_total, greatest(coalesce(rm.seq, 0), m.joined_seq) as at
      from p join ${s}.room_members m on m.room_id = p.room_id and m.user_id = p.user_id
      left join ${s}.read_markers rm on rm.user_id = m.user_id and rm.room_id = m.room_id and rm.thread_root_seq = 0
    )
    update ${s}.room_members m set
      read_seq = mk.at,
      read_ord = coalesce((select x.ord from ${s}.messages x where x.room_id = mk.room_id and x.in_room and x.seq <= mk.at order by x.seq desc limit 1), 0),
      read_deleted = (select r.deleted_msgs from ${s}.rooms r where r.id = mk.room_id)
        - (select count(*) from ${s}.messages d where d.room_id = mk.room_id and d.in_room and d.deleted and d.seq > mk.at),
      read_mentions = mk.mentions_total + (select r.room_mentions from ${s}.rooms r where r.id = mk.room_id)
        - (select count(*) from ${s}.message_mentions k where k.user_id in (mk.user_id, '*') and k.room_id = mk.room_id and k.seq > mk.at),
      first_unread_seq = ${firstUnreadAfter(s, sql.ref('mk.room_id'), sql.ref('mk.at'))}
    from mk
    where m.room_id = mk.room_id and m.user_id = mk.user_id`.execute(trx);
}

/** A set of (room, user) pairs, as the two arrays `unnest` takes. */
class Pairs {
  private readonly seen = new Set<string>();
  readonly rooms: string[] = [];
  readonly users: string[] = [];
  get size(): number {
    return this.rooms.length;
  }
  add(roomId: string, userId: string): void {
    const k = `${roomId}\n${userId}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.rooms.push(roomId);
    this.users.push(userId);
  }
}
