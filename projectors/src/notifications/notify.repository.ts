import { sql, type Kysely, type Transaction } from 'kysely';
import type { NotificationKind, NotificationLevel, QuietHours, ReadMarker } from '@natter/contracts';
import type { Candidate } from './decide';

// The notify schema (infra/migrations/command/007_notifications.sql) is written with raw SQL: its tables are
// not part of the versioned read model's kysely types (ReadModelDB), and every statement is short.
type Db = Kysely<any> | Transaction<any>;

export const NotifySchema = 'notify';

/** A person's read marker in a room or thread, as it reads their notifications. */
export type ReadUpTo = ReadMarker & { readonly userId: string };

/** Which outbox rows a message gets (each channel has its horizon: notifications.projection.ts). */
export interface DeliveryChannels {
  push: boolean;
  email: boolean;
}

/** What `candidates` asks for one message: its room, the people it names, whether it is room-wide, its thread. */
export interface CandidateQuery {
  roomId: string;
  named: readonly string[];
  everyone: boolean;
  /** The thread of a reply (null: not in a thread), and who follows it. */
  rootSeq: number | null;
  followers?: ReadonlySet<string>;
}

/** One person's notification of one message. */
export interface NotificationRow {
  userId: string;
  kind: NotificationKind;
  seq: number;
  roomId: string;
  messageSeq: number;
  threadRootSeq: number | null;
  actorId: string;
  excerpt: string;
  at: string;
}

/** One recipient of one message in the outbox, on the channels the message's age allows. */
export interface DeliveryRow {
  userId: string;
  seq: number;
  roomId: string;
  at: string;
  channels: DeliveryChannels;
}

/** All writes of the notifications projection, inside the batch's transaction. */
export class NotifyRepository {
  constructor(private readonly db: Db) {}

  async putUser(userId: string, displayName: string, email: string): Promise<void> {
    await sql`insert into notify.users (user_id, display_name, email) values (${userId}, ${displayName}, ${email})
      on conflict (user_id) do update set display_name = excluded.display_name, email = excluded.email`.execute(this.db);
  }

  async renameUser(userId: string, displayName: string): Promise<void> {
    await sql`update notify.users set display_name = ${displayName} where user_id = ${userId}`.execute(this.db);
  }

  async setEmail(userId: string, email: string): Promise<void> {
    await sql`update notify.users set email = ${email} where user_id = ${userId}`.execute(this.db);
  }

  async setActive(userId: string, active: boolean): Promise<void> {
    await sql`update notify.users set deactivated = ${!active} where user_id = ${userId}`.execute(this.db);
    if (!active) await this.cancelDeliveries(sql`user_id = ${userId}`);
  }

  async putRoom(roomId: string, name: string | null, isDm: boolean): Promise<void> {
    await sql`insert into notify.rooms (room_id, name, is_dm) values (${roomId}, ${name}, ${isDm}) on conflict (room_id) do nothing`.execute(this.db);
  }

  async renameRoom(roomId: string, name: string): Promise<void> {
    await sql`update notify.rooms set name = ${name} where room_id = ${roomId}`.execute(this.db);
  }

  async deleteRoom(roomId: string): Promise<void> {
    await sql`update notify.rooms set deleted = true where room_id = ${roomId}`.execute(this.db);
    await sql`delete from notify.room_members where room_id = ${roomId}`.execute(this.db);
    await sql`delete from notify.notifications where room_id = ${roomId}`.execute(this.db);
    await this.cancelDeliveries(sql`room_id = ${roomId}`);
  }

  async join(roomId: string, userId: string): Promise<void> {
    await sql`insert into notify.room_members (room_id, user_id) values (${roomId}, ${userId}) on conflict do nothing`.execute(this.db);
  }

  /** Leaving takes the room's notifications out of the person's center (nobody sees a room they are not in). */
  async leave(roomId: string, userId: string): Promise<void> {
    await sql`delete from notify.room_members where room_id = ${roomId} and user_id = ${userId}`.execute(this.db);
    await sql`delete from notify.notifications where room_id = ${roomId} and user_id = ${userId}`.execute(this.db);
    await this.cancelDeliveries(sql`room_id = ${roomId} and user_id = ${userId}`);
  }

  async threadFollowers(roomId: string, rootSeq: number): Promise<string[]> {
    const r = await sql<{ user_id: string }>`select user_id from notify.thread_followers where room_id = ${roomId} and root_seq = ${rootSeq}`.execute(this.db);
    return r.rows.map((x) => x.user_id);
  }

  async follow(roomId: string, rootSeq: number, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    await sql`insert into notify.thread_followers (room_id, root_seq, user_id) select ${roomId}, ${rootSeq}, unnest(${userIds}::text[]) on conflict do nothing`.execute(this.db);
  }

  /**
   * The members who could be notified of each message asked about: everyone when the message is room-wide (a
   * DM, @room/@here), otherwise those it names (mentions, the thread's people) and those who asked for every
   * message; with their settings, and for a reply whether they muted its thread. One statement for all: the
   * answer to query i is at index i. Asked for a run of sends at once (no membership or setting changes
   * within a run, so each answer is what asking at its own message would give).
   */
  async candidates(queries: readonly CandidateQuery[]): Promise<Candidate[][]> {
    const out = queries.map((): Candidate[] => []);
    if (!queries.length) return out;
    const q = JSON.stringify(queries.map((x, n) => ({ n, room_id: x.roomId, everyone: x.everyone, named: x.named, root_seq: x.rootSeq })));
    const r = await sql<{ n: number; user_id: string; level: string | null; room_level: string | null; room_muted: boolean | null; thread_muted: boolean }>`
      select q.n, m.user_id, s.level, rs.level as room_level, rs.muted as room_muted,
             (q.root_seq is not null and exists (select 1 from notify.thread_mutes t where t.user_id = m.user_id and t.room_id = m.room_id and t.root_seq = q.root_seq)) as thread_muted
        from jsonb_to_recordset(${q}::jsonb) as q(n int, room_id text, everyone boolean, named text[], root_seq bigint)
        join notify.room_members m on m.room_id = q.room_id
        left join notify.settings s on s.user_id = m.user_id
        left join notify.room_settings rs on rs.user_id = m.user_id and rs.room_id = m.room_id
       where q.everyone or m.user_id = any(q.named) or s.level = 'all' or rs.level = 'all'`.execute(this.db);
    for (const x of r.rows) {
      out[x.n].push({
        userId: x.user_id,
        level: (x.level ?? 'mentions') as NotificationLevel,
        roomLevel: x.room_level as NotificationLevel | null,
        roomMuted: x.room_muted ?? false,
        threadMuted: x.thread_muted,
        followsThread: queries[x.n].followers?.has(x.user_id) ?? false,
      });
    }
    return out;
  }

  /** Whether each room is a DM, several rooms in one statement; a room not known (yet) is absent from the map. */
  async roomsAreDm(roomIds: readonly string[]): Promise<Map<string, boolean>> {
    if (!roomIds.length) return new Map();
    const r = await sql<{ room_id: string; is_dm: boolean }>`select room_id, is_dm from notify.rooms where room_id = any(${roomIds}::text[])`.execute(this.db);
    return new Map(r.rows.map((x) => [x.room_id, x.is_dm]));
  }

  /** The center's rows of several messages (a batch's run of sends), one statement; rows already there (a replay) stay. */
  async insertNotifications(rows: readonly NotificationRow[]): Promise<void> {
    if (!rows.length) return;
    await sql`insert into notify.notifications (user_id, seq, kind, room_id, message_seq, thread_root_seq, actor_id, excerpt, at)
      select user_id, seq, kind, room_id, message_seq, thread_root_seq, actor_id, excerpt, at
        from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ user_id: r.userId, seq: r.seq, kind: r.kind, room_id: r.roomId, message_seq: r.messageSeq, thread_root_seq: r.threadRootSeq, actor_id: r.actorId, excerpt: r.excerpt, at: r.at })))}::jsonb)
          as x(user_id text, seq bigint, kind text, room_id text, message_seq bigint, thread_root_seq bigint, actor_id text, excerpt text, at timestamptz)
      on conflict do nothing`.execute(this.db);
  }

  /**
   * The outbox rows for push and email of several messages, per the recipients' settings at this point of the
   * stream (a run of sends changes no setting). Email is due after the person's delay (the digest waits for
   * it); push at once. Already-present rows (a replay) stay.
   */
  async insertDeliveries(rows: readonly DeliveryRow[], minuteMs = 60_000): Promise<void> {
    if (!rows.length) return;
    const recipients = JSON.stringify(rows.map((r) => ({ user_id: r.userId, seq: r.seq, room_id: r.roomId, at: r.at, push: r.channels.push, email: r.channels.email })));
    const m = sql`jsonb_to_recordset(${recipients}::jsonb) as m(user_id text, seq bigint, room_id text, at timestamptz, push boolean, email boolean)
        left join notify.settings s on s.user_id = m.user_id`;
    await sql`insert into notify.deliveries (user_id, seq, channel, room_id, due_at)
      select m.user_id, m.seq, 'push', m.room_id, m.at
        from ${m}
       where m.push and coalesce(s.push, true) and not exists (select 1 from notify.users u where u.user_id = m.user_id and u.deactivated)
      union all
      select m.user_id, m.seq, 'email', m.room_id, m.at + make_interval(secs => coalesce(s.email_delay_minutes, 15) * ${minuteMs / 1000}::float8)
        from ${m}
       where m.email and coalesce(s.email, true) and not exists (select 1 from notify.users u where u.user_id = m.user_id and u.deactivated)
      on conflict do nothing`.execute(this.db);
  }

  async editExcerpt(roomId: string, messageSeq: number, excerpt: string): Promise<void> {
    await sql`update notify.notifications set excerpt = ${excerpt} where room_id = ${roomId} and message_seq = ${messageSeq}`.execute(this.db);
  }

  /**
   * A deleted message's notifications go, and what was not sent yet is cancelled: one statement (a message in a
   * big room has a row per recipient; a round trip each made a delete's batch slow). The deliveries to cancel
   * are those of the deleted notifications, matched on the outbox's key (user_id, seq).
   */
  async deleteMessage(roomId: string, messageSeq: number): Promise<void> {
    await sql`with gone as (delete from notify.notifications where room_id = ${roomId} and message_seq = ${messageSeq} returning user_id, seq)
      update notify.deliveries d set status = 'cancelled', done_at = now()
        from gone where d.user_id = gone.user_id and d.seq = gone.seq and d.status = 'pending'`.execute(this.db);
  }

  async markRead(userId: string, seqs: number[] | undefined, upToSeq: number | undefined): Promise<void> {
    if (seqs) await sql`update notify.notifications set read = true where user_id = ${userId} and seq = any(${seqs}::bigint[]) and not read`.execute(this.db);
    else await sql`update notify.notifications set read = true where user_id = ${userId} and seq <= ${upToSeq ?? 0} and not read`.execute(this.db);
  }

  /**
   * Read markers read the notifications they cover: a room's marker those of its timeline (not thread replies),
   * a thread's marker those of that thread, up to the marker's seq. Several people's markers in one statement.
   */
  async markReadUpTo(markers: readonly ReadUpTo[]): Promise<void> {
    if (!markers.length) return;
    await sql`update notify.notifications n set read = true
        from unnest(${markers.map((m) => m.userId)}::text[], ${markers.map((m) => m.roomId)}::text[], ${markers.map((m) => m.seq)}::bigint[],
                    ${markers.map((m) => m.threadRootSeq ?? null)}::bigint[]) as m(user_id, room_id, seq, thread_root_seq)
       where n.user_id = m.user_id and n.room_id = m.room_id and n.message_seq <= m.seq and not n.read
         and n.thread_root_seq is not distinct from m.thread_root_seq`.execute(this.db);
  }

  async settings(userId: string, s: { level?: string; push?: boolean; email?: boolean; emailDelayMinutes?: number; quietHours?: QuietHours | null }): Promise<void> {
    await sql`insert into notify.settings (user_id) values (${userId}) on conflict do nothing`.execute(this.db);
    await sql`update notify.settings set
        level = coalesce(${s.level ?? null}, level),
        push = coalesce(${s.push ?? null}::boolean, push),
        email = coalesce(${s.email ?? null}::boolean, email),
        email_delay_minutes = coalesce(${s.emailDelayMinutes ?? null}::int, email_delay_minutes),
        quiet_hours = case when ${s.quietHours !== undefined} then ${s.quietHours === undefined ? null : JSON.stringify(s.quietHours)}::jsonb else quiet_hours end
      where user_id = ${userId}`.execute(this.db);
  }

  async roomSettings(userId: string, roomId: string, level: string | null | undefined, muted: boolean | undefined): Promise<void> {
    await sql`insert into notify.room_settings (user_id, room_id) values (${userId}, ${roomId}) on conflict do nothing`.execute(this.db);
    await sql`update notify.room_settings set
        level = case when ${level !== undefined} then ${level ?? null} else level end,
        muted = coalesce(${muted ?? null}::boolean, muted)
      where user_id = ${userId} and room_id = ${roomId}`.execute(this.db);
  }

  async threadMute(userId: string, roomId: string, rootSeq: number, muted: boolean): Promise<void> {
    if (muted) await sql`insert into notify.thread_mutes (user_id, room_id, root_seq) values (${userId}, ${roomId}, ${rootSeq}) on conflict do nothing`.execute(this.db);
    else await sql`delete from notify.thread_mutes where user_id = ${userId} and room_id = ${roomId} and root_seq = ${rootSeq}`.execute(this.db);
  }

  private async cancelDeliveries(where: ReturnType<typeof sql>): Promise<void> {
    await sql`update notify.deliveries set status = 'cancelled', done_at = now() where status = 'pending' and ${where}`.execute(this.db);
  }
}
