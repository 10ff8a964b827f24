import { Limits, NatterError, type EventDataOf, type MessageFacts, type Mentions, type NewEvent, type ParsedMentions, type Role } from '@natter/contracts';
import { mustBeMember, type RoomState } from '../rooms/room.aggregate';

/**
 * A message as changes to it are decided: its facts from the read model as of the head of the room's `.msg`
 * subject (MessageReads, so every change stored before the command is in) and the room's meta state. Changes
 * are not serialized per message, so two racing commands may both pass; every reader then applies the same
 * rule (contracts' foldMessage), and the refusals below are exact except against a change racing this one.
 *
 * Deciders are pure: (room, message, intent, now) -> the event to append, or a NatterError.
 */
export type Target = MessageFacts | null;

const MODERATORS: ReadonlySet<Role> = new Set(['owner', 'admin', 'moderator']);
const PIN_MANAGERS: ReadonlySet<Role> = new Set(['owner', 'admin']);

/** A message of the room (deleted or not): none with that seq in the room is message_not_found. Shared with thread mutes. */
export function mustBeMessage(m: Target): MessageFacts {
  if (!m) throw new NatterError('message_not_found');
  return m;
}

function mustBeLive(m: Target): MessageFacts {
  const msg = mustBeMessage(m);
  if (msg.deletedSeq !== null) throw new NatterError('message_deleted');
  return msg;
}

/** The author, still a member, within the room's edit window (none by default). */
export function decideEdit(room: RoomState, m: Target, c: { actor: string; text: string; mentions: Mentions; now: Date }): NewEvent<'MessageEdited'> {
  mustBeMember(room, c.actor);
  const msg = mustBeMessage(m);
  if (msg.senderId !== c.actor) throw new NatterError('forbidden', 'Only the author may edit a message.');
  mustBeLive(msg);
  const window = room.settings.editWindowSeconds;
  if (window !== null && c.now.getTime() - Date.parse(msg.sentAt) > window * 1000) throw new NatterError('edit_window_closed');
  return { type: 'MessageEdited', data: { roomId: room.roomId, messageSeq: msg.seq, text: c.text, mentions: c.mentions } };
}

/**
 * The author (still a member), or a moderator, admin or owner. A deleted message answers its first delete
 * (`already`): deleting is idempotent by nature.
 */
export function decideDelete(room: RoomState, m: Target, actor: string): NewEvent<'MessageDeleted'> | { already: number } {
  const role = mustBeMember(room, actor);
  const msg = mustBeMessage(m);
  if (msg.senderId !== actor && !MODERATORS.has(role)) throw new NatterError('forbidden', 'Only the author or a moderator, admin or owner may delete a message.');
  if (msg.deletedSeq !== null) return { already: msg.deletedSeq };
  return { type: 'MessageDeleted', data: { roomId: room.roomId, messageSeq: msg.seq, deletedBy: actor } };
}

/** Any member; adding one more distinct emoji past Limits.reactionsPerMessageMax is refused (a set: the same pair again is fine). */
export function decideReaction(room: RoomState, m: Target, c: { actor: string; emoji: string; add: boolean }): NewEvent<'ReactionAdded' | 'ReactionRemoved'> {
  mustBeMember(room, c.actor);
  const msg = mustBeLive(m);
  const data = { roomId: room.roomId, messageSeq: msg.seq, userId: c.actor, emoji: c.emoji };
  if (!c.add) return { type: 'ReactionRemoved', data };
  if (!msg.emoji.includes(c.emoji) && msg.emoji.length >= Limits.reactionsPerMessageMax) throw new NatterError('too_many_reactions');
  return { type: 'ReactionAdded', data };
}

/** Owners and admins, or every member when the room allows it (settings.anyoneCanPin). */
export function decidePin(room: RoomState, m: Target, c: { actor: string; pin: boolean }): NewEvent<'MessagePinned' | 'MessageUnpinned'> {
  const role = mustBeMember(room, c.actor);
  if (!PIN_MANAGERS.has(role) && !room.settings.anyoneCanPin) throw new NatterError('forbidden', 'Only owners and admins may pin in this room.');
  const msg = mustBeLive(m);
  return c.pin
    ? { type: 'MessagePinned', data: { roomId: room.roomId, messageSeq: msg.seq, pinnedBy: c.actor } }
    : { type: 'MessageUnpinned', data: { roomId: room.roomId, messageSeq: msg.seq, unpinnedBy: c.actor } };
}

/**
 * The thread of a reply. `target` is the message replied to; a reply to a reply joins its root's thread, so
 * `root` is the target's root when the target is a reply (threads are one level deep). The root must be live.
 */
export function decideThread(target: Target, root: Target, alsoToRoom: boolean): NonNullable<EventDataOf<'MessageSent'>['thread']> {
  const t = mustBeMessage(target);
  const r = mustBeLive(t.threadRootSeq === null ? t : root);
  return { rootSeq: r.seq, rootSenderId: r.senderId, alsoToRoom };
}

/**
 * @mentions as ids: of the users the text names, those in the room are mentioned; those who exist but are not
 * in the room are reported back (they were not notified); unknown names stay plain text.
 */
export function decideMentions(room: RoomState, parsed: ParsedMentions, users: { userId: string; username: string }[]): { mentions: Mentions; notInRoom: { userId: string; username: string }[] } {
  const byName = new Map(users.map((u) => [u.username.toLowerCase(), u]));
  const userIds: string[] = [];
  const notInRoom: { userId: string; username: string }[] = [];
  for (const name of parsed.usernames) {
    const u = byName.get(name);
    if (!u) continue;
    if (room.members[u.userId]) userIds.push(u.userId);
    else notInRoom.push(u);
  }
  return { mentions: { userIds, room: parsed.room, here: parsed.here }, notInRoom };
}
