import { NatterError, type NewEvent } from '@natter/contracts';
import type { RoomState } from '../rooms/room.aggregate';

/**
 * The one direct-message room of a set of people (sorted, the sender included): created by the first message
 * as DirectMessageStarted and a MemberJoined per person (each starts that person's delivery, like any join).
 * Once it exists, nothing is appended, except the joins a creation cut short (a crash between appends)
 * left out, which the next message completes.
 */
export function decideStartDm(s: RoomState, c: { roomId: string; memberIds: readonly string[]; actor: string }): NewEvent[] {
  if (s.exists && s.kind !== 'dm') throw new NatterError('conflict', 'That room is not a direct message.');
  const joins: NewEvent[] = c.memberIds
    .filter((u) => !s.members[u])
    .map((userId) => ({ type: 'MemberJoined', data: { roomId: c.roomId, userId, role: 'member', addedBy: c.actor } }));
  if (s.exists) return joins;
  return [{ type: 'DirectMessageStarted', data: { roomId: c.roomId, memberIds: [...c.memberIds], startedBy: c.actor } }, ...joins];
}

/** The people of a conversation: the sender and the others, each once, sorted (the uniqueness key's order). */
export function dmMembers(sender: string, others: readonly string[]): string[] {
  const all = [...new Set([sender, ...others])].sort();
  if (all.length < 2) throw new NatterError('validation_failed', 'A direct message needs someone other than yourself.', [{ path: 'userIds', message: 'name at least one other person' }]);
  return all;
}
