import { DefaultRoomSettings, NatterError, outranks, roleAtLeast, type EventDataOf, type NewEvent, type Role, type Room, type RoomKind, type RoomSettings, type RoomSettingsBody, type StoredEvent, type Visibility } from '@natter/contracts';
import type { AggregateDef } from '../shared/aggregates';

/** An invite link as the room's rules see it (its code lives command-side only, as a hash). */
export interface InviteState {
  readonly createdBy: string;
  readonly expiresAt: string;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly revoked: boolean;
}

/** A room's meta aggregate: the events on `ev.room.<id>.meta` folded into what commands decide on. */
export interface RoomState {
  readonly exists: boolean;
  readonly roomId: string;
  readonly name: string;
  readonly topic: string;
  readonly visibility: Visibility;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly members: Readonly<Record<string, Role>>;
  // ---- people and moderation (issue 11)
  readonly kind: RoomKind;
  readonly archived: boolean;
  /** A deleted room is not found by any command (it still "exists": its id is never reused). */
  readonly deleted: boolean;
  readonly banned: Readonly<Record<string, true>>;
  readonly invites: Readonly<Record<string, InviteState>>;
  /** The room's message settings (RoomSettingsUpdated; issue 10). */
  readonly settings: RoomSettings;
}

export const RoomAggregate: AggregateDef<RoomState> = {
  name: 'room',
  initial: () => ({
    exists: false, roomId: '', name: '', topic: '', visibility: 'private', createdBy: '', createdAt: '', members: {},
    settings: DefaultRoomSettings, kind: 'room', archived: false, deleted: false, banned: {}, invites: {},
  }),
  evolve(s, e: StoredEvent): RoomState {
    switch (e.type) {
      case 'RoomCreated':
        return { ...s, exists: true, roomId: e.data.roomId, name: e.data.name, topic: e.data.topic, visibility: e.data.visibility, createdBy: e.data.createdBy, createdAt: e.at };
      case 'MemberJoined': {
        const inv = e.data.inviteId ? s.invites[e.data.inviteId] : undefined;
        const invites = inv && e.data.inviteId ? { ...s.invites, [e.data.inviteId]: { ...inv, uses: inv.uses + 1 } } : s.invites;
        return { ...s, members: { ...s.members, [e.data.userId]: e.data.role }, invites };
      }
      case 'MemberLeft':
        return { ...s, members: without(s.members, e.data.userId) };
      // ---- people and moderation (issue 11)
      case 'DirectMessageStarted':
        return { ...s, exists: true, kind: 'dm', roomId: e.data.roomId, visibility: 'private', createdBy: e.data.startedBy, createdAt: e.at };
      case 'RoomUpdated':
        return { ...s, name: e.data.name ?? s.name, topic: e.data.topic ?? s.topic };
      case 'RoomArchived':
        return { ...s, archived: true };
      case 'RoomUnarchived':
        return { ...s, archived: false };
      case 'RoomDeleted':
        return { ...s, deleted: true, members: {} };
      case 'MemberRoleChanged':
        return s.members[e.data.userId] ? { ...s, members: { ...s.members, [e.data.userId]: e.data.role } } : s;
      case 'OwnershipTransferred':
        return { ...s, members: { ...s.members, [e.data.from]: 'admin', [e.data.to]: 'owner' } };
      case 'MemberBanned':
        return { ...s, members: without(s.members, e.data.userId), banned: { ...s.banned, [e.data.userId]: true } };
      case 'MemberUnbanned':
        return { ...s, banned: without(s.banned, e.data.userId) };
      case 'InviteCreated':
        return { ...s, invites: { ...s.invites, [e.data.inviteId]: { createdBy: e.data.createdBy, expiresAt: e.data.expiresAt, maxUses: e.data.maxUses, uses: 0, revoked: false } } };
      case 'InviteRevoked': {
        const inv = s.invites[e.data.inviteId];
        return inv ? { ...s, invites: { ...s.invites, [e.data.inviteId]: { ...inv, revoked: true } } } : s;
      }
      case 'RoomSettingsUpdated':
        return { ...s, settings: { editWindowSeconds: e.data.editWindowSeconds, anyoneCanPin: e.data.anyoneCanPin } };
      default:
        return s;
    }
  },
};

function without<V>(map: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (!(key in map)) return map;
  const { [key]: _gone, ...rest } = map;
  return rest;
}

export function roomView(s: RoomState, lastSeq: number): Room {
  return {
    id: s.roomId,
    name: s.name,
    topic: s.topic,
    visibility: s.visibility,
    kind: s.kind,
    archived: s.archived,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    memberCount: Object.keys(s.members).length,
    lastSeq,
  };
}

// ---- rules shared by the deciders (here and in room.settings.ts, room.moderation.ts, room.invites.ts) ----

/** A room that is there: never created and deleted ones are both room_not_found. */
export function mustExist(s: RoomState): void {
  if (!s.exists || s.deleted) throw new NatterError('room_not_found');
}

/**
 * One answer for "missing or not yours": to someone who is not a member, a private room is exactly like a
 * room that does not exist (404 room_not_found), so no command reveals that a private room id is real.
 * Public rooms are discoverable, so their non-members get the honest `not_member`.
 */
export function mustSee(s: RoomState, actor: string): void {
  mustExist(s);
  if (s.visibility !== 'public' && !s.members[actor]) throw new NatterError('room_not_found');
}

/** The actor's role, at least `min` (contracts' role order): not_member for outsiders, forbidden for lower roles. */
export function mustHaveRole(s: RoomState, actor: string, min: Role, what = 'do this'): Role {
  mustSee(s, actor);
  const role = s.members[actor];
  if (!role) throw new NatterError('not_member');
  if (!roleAtLeast(role, min)) throw new NatterError('forbidden', `Only ${whoMay[min]} may ${what}.`);
  return role;
}
const whoMay: Record<Role, string> = { owner: 'the room owner', admin: 'the room owner or an admin', moderator: 'the room owner, an admin or a moderator', member: 'a member' };

/** The owner or an admin (members, settings, invites). */
export function mustManage(s: RoomState, actor: string, what = 'do this'): Role {
  return mustHaveRole(s, actor, 'admin', what);
}

/** Direct messages have fixed membership and no settings. */
export function mustNotBeDm(s: RoomState): void {
  if (s.kind === 'dm') throw new NatterError('forbidden', 'Direct messages have fixed membership and no settings.');
}

export function mustBeWritable(s: RoomState): void {
  if (s.archived) throw new NatterError('room_archived');
}

// ---- deciders: pure functions from (state, intent) to events, or a NatterError ----

export function decideCreate(s: RoomState, c: { roomId: string; name: string; topic: string; visibility: Visibility; actor: string }): NewEvent[] {
  if (s.exists) throw new NatterError('conflict', 'A room with this id already exists.');
  return [
    { type: 'RoomCreated', data: { roomId: c.roomId, name: c.name, topic: c.topic, visibility: c.visibility, createdBy: c.actor } },
    { type: 'MemberJoined', data: { roomId: c.roomId, userId: c.actor, role: 'owner', addedBy: null } },
  ];
}

/**
 * Public rooms only (a private room is joined by being added or by an invite link, and to an outsider it does
 * not exist), never for the banned. Already a member: nothing to append (the caller answers the current seq).
 */
export function decideJoin(s: RoomState, actor: string): NewEvent[] {
  mustSee(s, actor);
  if (s.members[actor]) return [];
  mustNotBeDm(s);
  if (s.banned[actor]) throw new NatterError('banned');
  mustBeWritable(s);
  return [{ type: 'MemberJoined', data: { roomId: s.roomId, userId: actor, role: 'member', addedBy: null } }];
}

/** The owner stays (a room always has one): they transfer ownership or delete the room instead. */
export function decideLeave(s: RoomState, actor: string): NewEvent[] {
  mustSee(s, actor);
  const role = s.members[actor];
  if (!role) throw new NatterError('not_member');
  mustNotBeDm(s);
  if (role === 'owner') throw new NatterError('forbidden', 'The owner cannot leave: transfer ownership or delete the room.');
  return [{ type: 'MemberLeft', data: { roomId: s.roomId, userId: actor, reason: 'left', removedBy: null } }];
}

/** Owner/admin adds a user (the only way into a private room but invites). Already a member: nothing to append. */
export function decideAddMember(s: RoomState, actor: string, target: string, targetExists: boolean): NewEvent[] {
  mustManage(s, actor, 'add members');
  mustNotBeDm(s);
  if (!targetExists) throw new NatterError('user_not_found');
  if (s.members[target]) return [];
  if (s.banned[target]) throw new NatterError('banned', 'That user is banned from this room; unban them first.');
  mustBeWritable(s);
  return [{ type: 'MemberJoined', data: { roomId: s.roomId, userId: target, role: 'member', addedBy: actor } }];
}

/**
 * Kick: an owner, admin or moderator removes a member of a lower role (the owner is never removed). They may
 * come back (join or be added) unless banned.
 */
export function decideRemoveMember(s: RoomState, actor: string, target: string): NewEvent[] {
  const actorRole = mustHaveRole(s, actor, 'moderator', 'remove members');
  mustNotBeDm(s);
  const targetRole = s.members[target];
  if (!targetRole) throw new NatterError('not_member', 'That user is not a member of this room.');
  if (target === actor) throw new NatterError('forbidden', 'Use leave to leave a room.');
  if (!outranks(actorRole, targetRole)) throw new NatterError('forbidden', 'You may not remove this member.');
  return [{ type: 'MemberLeft', data: { roomId: s.roomId, userId: target, reason: 'removed', removedBy: actor } }];
}

/** The caller must be a member of an existing room (a private one is not found by outsiders); answers their role. */
export function mustBeMember(s: RoomState, actor: string): Role {
  mustSee(s, actor);
  const role = s.members[actor];
  if (!role) throw new NatterError('not_member');
  return role;
}

/**
 * A message into the room's `.msg` subject. Decided on the meta state (membership, archive) but not appended to
 * the meta subject: sends are not serialized per room, so nothing else about the room may be decided here
 * without being re-checked against that state. `mentions` and `thread` are decided by the messages feature
 * (message.aggregate.ts) and carried as they are.
 */
export function decideSend(
  s: RoomState,
  m: { actor: string; messageId: string; clientMsgId: string; text: string } & Pick<EventDataOf<'MessageSent'>, 'mentions' | 'thread'>,
): NewEvent<'MessageSent'> {
  mustBeMember(s, m.actor);
  mustBeWritable(s);
  return {
    type: 'MessageSent',
    data: {
      roomId: s.roomId, messageId: m.messageId, senderId: m.actor, clientMsgId: m.clientMsgId, text: m.text,
      ...(m.mentions ? { mentions: m.mentions } : {}), ...(m.thread ? { thread: m.thread } : {}),
    },
  };
}

/** Owner/admin changes the message settings; the event carries them whole. Nothing changed: nothing to append. */
export function decideUpdateSettings(s: RoomState, actor: string, change: RoomSettingsBody): NewEvent[] {
  mustManage(s, actor, 'change the room settings');
  mustNotBeDm(s);
  mustBeWritable(s);
  const next: RoomSettings = {
    editWindowSeconds: change.editWindowSeconds === undefined ? s.settings.editWindowSeconds : change.editWindowSeconds,
    anyoneCanPin: change.anyoneCanPin ?? s.settings.anyoneCanPin,
  };
  if (next.editWindowSeconds === s.settings.editWindowSeconds && next.anyoneCanPin === s.settings.anyoneCanPin) return [];
  return [{ type: 'RoomSettingsUpdated', data: { roomId: s.roomId, ...next } }];
}
