import { NatterError, outranks, type AssignableRole, type NewEvent } from '@natter/contracts';
import { mustHaveRole, mustManage, mustNotBeDm, type RoomState } from './room.aggregate';

/**
 * Deciders of roles and moderation: role changes, ownership transfer, bans. Pure. Kicks are
 * decideRemoveMember (room.aggregate.ts). A member acts only on members of a lower rank.
 */

/**
 * The owner gives any member admin, moderator or member; an admin moves members and moderators between
 * moderator and member. Nobody changes their own role or the owner's (ownership moves by transfer only).
 */
export function decideChangeRole(s: RoomState, actor: string, target: string, role: AssignableRole): NewEvent[] {
  const actorRole = mustManage(s, actor, 'change roles');
  mustNotBeDm(s);
  const current = s.members[target];
  if (!current) throw new NatterError('not_member', 'That user is not a member of this room.');
  if (target === actor) throw new NatterError('forbidden', 'You cannot change your own role.');
  if (current === 'owner') throw new NatterError('forbidden', "The owner's role changes only by transferring ownership.");
  if (!outranks(actorRole, current) || !outranks(actorRole, role)) throw new NatterError('forbidden', 'You may only give or take roles below your own.');
  if (current === role) return [];
  return [{ type: 'MemberRoleChanged', data: { roomId: s.roomId, userId: target, role, changedBy: actor } }];
}

/** The owner hands the room to another member and becomes an admin, in one event. */
export function decideTransferOwnership(s: RoomState, actor: string, target: string): NewEvent[] {
  mustHaveRole(s, actor, 'owner', 'transfer ownership');
  if (!s.members[target]) throw new NatterError('not_member', 'The new owner must be a member of the room.');
  if (target === actor) return [];
  return [{ type: 'OwnershipTransferred', data: { roomId: s.roomId, from: actor, to: target } }];
}

/**
 * Owner, admin or moderator bans a user: a member of a lower rank (removed at once) or someone not in the
 * room (kept out). Already banned: nothing to append.
 */
export function decideBan(s: RoomState, actor: string, target: string, targetExists: boolean, reason: string): NewEvent[] {
  const actorRole = mustHaveRole(s, actor, 'moderator', 'ban');
  mustNotBeDm(s);
  if (target === actor) throw new NatterError('forbidden', 'You cannot ban yourself.');
  if (!targetExists) throw new NatterError('user_not_found');
  if (s.banned[target]) return [];
  const targetRole = s.members[target];
  if (targetRole && !outranks(actorRole, targetRole)) throw new NatterError('forbidden', 'You may not ban this member.');
  return [{ type: 'MemberBanned', data: { roomId: s.roomId, userId: target, bannedBy: actor, wasMember: targetRole !== undefined, reason } }];
}

/** Not banned: nothing to append (a retried unban answers the same). */
export function decideUnban(s: RoomState, actor: string, target: string): NewEvent[] {
  mustHaveRole(s, actor, 'moderator', 'unban');
  mustNotBeDm(s);
  if (!s.banned[target]) return [];
  return [{ type: 'MemberUnbanned', data: { roomId: s.roomId, userId: target, unbannedBy: actor } }];
}
