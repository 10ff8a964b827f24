import type { Ban, Invite } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';
import { iso } from './rooms.repository';

/** A room's bans (`room_bans`, with the banned user's names) and invite links (`room_invites`). */
export class ModerationRepository {
  async bans(q: ReadScope, roomId: string): Promise<Ban[]> {
    const rows = await q
      .selectFrom('room_bans as b')
      .innerJoin('users as u', 'u.id', 'b.user_id')
      .select(['b.user_id', 'u.username', 'u.display_name', 'b.banned_by', 'b.reason', 'b.banned_at'])
      .where('b.room_id', '=', roomId)
      .orderBy('b.banned_seq', 'desc')
      .execute();
    return rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, bannedBy: r.banned_by, reason: r.reason, bannedAt: iso(r.banned_at) }));
  }

  async invites(q: ReadScope, roomId: string): Promise<Invite[]> {
    const rows = await q.selectFrom('room_invites').selectAll().where('room_id', '=', roomId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      roomId: r.room_id,
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
      expiresAt: iso(r.expires_at),
      maxUses: r.max_uses,
      uses: Number(r.uses),
      revoked: r.revoked,
    }));
  }
}
