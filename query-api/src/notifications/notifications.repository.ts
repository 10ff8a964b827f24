import { sql, type Kysely } from 'kysely';
import type { NotificationKind, NotificationLevel, NotificationSettingsView, NotificationView, QuietHours } from '@natter/contracts';
import { DefaultNotificationSettings } from '@natter/contracts';

/**
 * Reads of the `notify` schema (infra/migrations/command/007_notifications.sql), which the notifications
 * projection writes. Every query is the caller's own rows: nobody else's notification or setting is ever read.
 */
export class NotificationsRepository {
  constructor(private readonly db: Kysely<any>) {}

  async checkpoint(): Promise<number> {
    const r = await sql<{ last_seq: string }>`select last_seq from notify.checkpoint where projection = 'notifications'`.execute(this.db);
    return Number(r.rows[0]?.last_seq ?? 0);
  }

  async page(userId: string, o: { before?: number; limit: number; unreadOnly: boolean }): Promise<NotificationView[]> {
    const r = await sql<{ seq: string; kind: string; room_id: string; room_name: string | null; message_seq: string; thread_root_seq: string | null; actor_id: string; actor_name: string | null; excerpt: string; at: Date; read: boolean }>`
      select n.seq, n.kind, n.room_id, r.name as room_name, n.message_seq, n.thread_root_seq, n.actor_id, u.display_name as actor_name, n.excerpt, n.at, n.read
        from notify.notifications n
        left join notify.rooms r on r.room_id = n.room_id
        left join notify.users u on u.user_id = n.actor_id
       where n.user_id = ${userId}
         and (${o.before ?? null}::bigint is null or n.seq < ${o.before ?? null}::bigint)
         and (not ${o.unreadOnly}::boolean or not n.read)
       order by n.seq desc
       limit ${o.limit}`.execute(this.db);
    return r.rows.map((x) => ({
      seq: Number(x.seq),
      kind: x.kind as NotificationKind,
      roomId: x.room_id,
      roomName: x.room_name,
      messageSeq: Number(x.message_seq),
      threadRootSeq: x.thread_root_seq === null ? null : Number(x.thread_root_seq),
      actorId: x.actor_id,
      actorName: x.actor_name,
      excerpt: x.excerpt,
      at: new Date(x.at).toISOString(),
      read: x.read,
    }));
  }

  async unreadCount(userId: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from notify.notifications where user_id = ${userId} and not read`.execute(this.db);
    return r.rows[0].n;
  }

  async settings(userId: string): Promise<Omit<NotificationSettingsView, 'asOfSeq'>> {
    const [s, rooms, threads] = await Promise.all([
      sql<{ level: string; push: boolean; email: boolean; email_delay_minutes: number; quiet_hours: QuietHours | null }>`select level, push, email, email_delay_minutes, quiet_hours from notify.settings where user_id = ${userId}`.execute(this.db),
      // Only rooms the person is still in (the projection keeps membership).
      sql<{ room_id: string; level: string | null; muted: boolean }>`select rs.room_id, rs.level, rs.muted from notify.room_settings rs
         join notify.room_members m on m.room_id = rs.room_id and m.user_id = rs.user_id where rs.user_id = ${userId} order by rs.room_id`.execute(this.db),
      sql<{ room_id: string; root_seq: string }>`select t.room_id, t.root_seq from notify.thread_mutes t
         join notify.room_members m on m.room_id = t.room_id and m.user_id = t.user_id where t.user_id = ${userId} order by t.room_id, t.root_seq`.execute(this.db),
    ]);
    const row = s.rows[0];
    return {
      level: (row?.level ?? DefaultNotificationSettings.level) as NotificationLevel,
      push: row?.push ?? DefaultNotificationSettings.push,
      email: row?.email ?? DefaultNotificationSettings.email,
      emailDelayMinutes: row?.email_delay_minutes ?? DefaultNotificationSettings.emailDelayMinutes,
      quietHours: row?.quiet_hours ?? null,
      rooms: rooms.rows.map((r) => ({ roomId: r.room_id, level: r.level as NotificationLevel | null, muted: r.muted })),
      mutedThreads: threads.rows.map((t) => ({ roomId: t.room_id, rootSeq: Number(t.root_seq) })),
    };
  }
}
