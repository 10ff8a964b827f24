import type { Member, Role } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';

/** The `room_members` read model (joined with `users` for names). */
export class MembersRepository {
  /** The caller's role in the room, or undefined when not a member or the room is deleted (primary-key lookups). */
  async roleOf(q: ReadScope, roomId: string, userId: string): Promise<Role | undefined> {
    const row = await q
      .selectFrom('room_members as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .select('m.role')
      .where('m.room_id', '=', roomId)
      .where('m.user_id', '=', userId)
      .where('r.deleted', '=', false)
      .executeTakeFirst();
    return row?.role;
  }

  /** Everyone in the room, in join order (queries/members.list.sql). */
  async list(q: ReadScope, roomId: string): Promise<Member[]> {
    const rows = await q
      .selectFrom('room_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.username', 'u.display_name', 'u.avatar', 'm.role', 'm.joined_seq'])
      .where('m.room_id', '=', roomId)
      .orderBy('m.joined_seq')
      .orderBy('m.user_id')
      .execute();
    return rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, avatar: r.avatar || null, role: r.role, joinedSeq: Number(r.joined_seq) }));
  }

  /**
   * Of `others`, the users who are in at least one room with `userId` (queries/members.shared-with.sql): the
   * caller's rooms from room_members_user_idx, then primary-key lookups of each candidate in them.
   */
  async sharedWith(q: ReadScope, userId: string, others: string[]): Promise<string[]> {
    if (others.length === 0) return [];
    const rows = await q
      .selectFrom('room_members as mine')
      .innerJoin('room_members as theirs', 'theirs.room_id', 'mine.room_id')
      .innerJoin('rooms as r', 'r.id', 'mine.room_id')
      .select('theirs.user_id')
      .distinct()
      .where('mine.user_id', '=', userId)
      .where('r.deleted', '=', false)
      .where('theirs.user_id', 'in', others)
      .execute();
    return rows.map((r) => r.user_id);
  }
}
