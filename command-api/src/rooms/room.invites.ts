import { NatterError, type NewEvent } from '@natter/contracts';
import { mustBeWritable, mustManage, mustNotBeDm, type RoomState } from './room.aggregate';

/**
 * Deciders of invite links. Pure: the code and its hash never reach them (invite-codes.ts keeps those); they
 * see the invite's id, expiry, use limit and uses (MemberJoined with its inviteId counts one).
 */

export function decideCreateInvite(s: RoomState, actor: string, c: { inviteId: string; expiresAt: string; maxUses: number | null }): NewEvent[] {
  mustManage(s, actor, 'create invite links');
  mustNotBeDm(s);
  mustBeWritable(s);
  if (s.invites[c.inviteId]) throw new NatterError('conflict', 'An invite with this id already exists.');
  return [{ type: 'InviteCreated', data: { roomId: s.roomId, inviteId: c.inviteId, createdBy: actor, expiresAt: c.expiresAt, maxUses: c.maxUses } }];
}

export function decideRevokeInvite(s: RoomState, actor: string, inviteId: string): NewEvent[] {
  mustManage(s, actor, 'revoke invite links');
  const inv = s.invites[inviteId];
  if (!inv) throw new NatterError('not_found', 'No such invite in this room.');
  return inv.revoked ? [] : [{ type: 'InviteRevoked', data: { roomId: s.roomId, inviteId, revokedBy: actor } }];
}

/**
 * Whether the invite lets someone in now: known, not revoked, not expired, not used up, and its room still
 * there. Every failure is the same `invite_invalid`, so a code says nothing about why.
 */
export function assertInviteUsable(s: RoomState, inviteId: string, now: Date): void {
  const inv = s.invites[inviteId];
  if (!s.exists || s.deleted || !inv || inv.revoked || Date.parse(inv.expiresAt) <= now.getTime() || (inv.maxUses !== null && inv.uses >= inv.maxUses)) {
    throw new NatterError('invite_invalid');
  }
}

/** Redeem: already a member answers the current seq and uses nothing; the banned and archived rooms refuse. */
export function decideRedeemInvite(s: RoomState, actor: string, inviteId: string, now: Date): NewEvent[] {
  if (!s.deleted && s.members[actor]) return [];
  assertInviteUsable(s, inviteId, now);
  if (s.banned[actor]) throw new NatterError('banned');
  mustBeWritable(s);
  return [{ type: 'MemberJoined', data: { roomId: s.roomId, userId: actor, role: 'member', addedBy: null, inviteId } }];
}
