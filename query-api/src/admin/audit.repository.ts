import type { AuditEntry, AuditQuery } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';
import { iso } from '../rooms/rooms.repository';

/**
 * The audit log (`audit_log`: every event but messages, projected from the stream), newest first, each filter
 * on an index of its own (type, actor, room, user; each with seq), paged by `before` (queries/audit.page.sql).
 * Actor and user names come from `users`, room names from `rooms`.
 */
export class AuditRepository {
  async page(q: ReadScope, f: AuditQuery): Promise<{ items: AuditEntry[]; hasMore: boolean }> {
    const rows = await q
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .leftJoin('users as t', 't.id', 'a.user_id')
      .leftJoin('rooms as r', 'r.id', 'a.room_id')
      .select(['a.seq', 'a.at', 'a.type', 'a.actor_id', 'u.display_name as actor_name', 'a.room_id', 'r.name as room_name', 'a.user_id', 't.display_name as user_name', 'a.data'])
      .$if(f.type !== undefined, (qb) => qb.where('a.type', '=', f.type!))
      .$if(f.actor !== undefined, (qb) => qb.where('a.actor_id', '=', f.actor!))
      .$if(f.room !== undefined, (qb) => qb.where('a.room_id', '=', f.room!))
      .$if(f.user !== undefined, (qb) => qb.where('a.user_id', '=', f.user!))
      .$if(f.before !== undefined, (qb) => qb.where('a.seq', '<', f.before!))
      .orderBy('a.seq', 'desc')
      .limit(f.limit + 1)
      .execute();
    return {
      hasMore: rows.length > f.limit,
      items: rows.slice(0, f.limit).map((r) => ({
        seq: Number(r.seq),
        at: iso(r.at),
        type: r.type,
        actorId: r.actor_id,
        actorName: r.actor_name,
        roomId: r.room_id,
        roomName: r.room_name,
        userId: r.user_id,
        userName: r.user_name,
        data: r.data,
      })),
    };
  }
}
