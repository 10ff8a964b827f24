import { NatterError, type Role } from '@natter/contracts';
import type { MembersRepository } from '../members/members.repository';
import type { ReadScope } from '../read-model/scope';
import type { RoomsRepository } from './rooms.repository';

/**
 * The one rule of every read that needs membership (history, settings, files, moderation lists): a member gets
 * their role; an outsider of a public room `403 not_member`; anyone else `404 room_not_found`, so a private
 * room's id reveals nothing. The room is only looked up when the caller is not a member (the common case is
 * one primary-key probe).
 */
export async function memberRole(q: ReadScope, repos: { members: MembersRepository; rooms: RoomsRepository }, roomId: string, userId: string): Promise<Role> {
  const role = await repos.members.roleOf(q, roomId, userId);
  if (role) return role;
  const room = await repos.rooms.findById(q, roomId);
  throw new NatterError(room?.visibility === 'public' ? 'not_member' : 'room_not_found');
}
