import { DefaultRoomSettings, NatterError, type EventDataOf, type NewEvent, type Role, type Room, type RoomSettings, type RoomSettingsBody, type StoredEvent, type Visibility } from '@natter/contracts';
import type { AggregateDef } from '../shared/aggregates';

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
  /** The room's message settings (RoomSettingsUpdated; issue 10). */
  readonly settings: RoomSettings;
}

export const RoomAggregate: AggregateDef<RoomState> = {
  name: 'room',
  initial: () => ({ exists: false, roomId: '', name: '', topic: '', visibility: 'private', createdBy: '', createdAt: '', members: {}, settings: DefaultRoomSettings }),
  evolve(s, e: StoredEvent): RoomState {
    switch (e.type) {
      case 'RoomCreated':
        return { ...s, exists: true, roomId: e.data.roomId, name: e.data.name, topic: e.data.topic, visibility: e.data.visibility, createdBy: e.data.createdBy, createdAt: e.at };
      case 'MemberJoined':
        return { ...s, members: { ...s.members, [e.data.userId]: e.data.role } };
      case 'MemberLeft': {
        const { [e.data.userId]: _gone, ...rest } = s.members;
        return { ...s, members: rest };
      }
      case 'RoomSettingsUpdated':
        return { ...s, settings: { editWindowSeconds: e.data.editWindowSeconds, anyoneCanPin: e.data.anyoneCanPin } };
      default:
        return s;
    }
  },
};

export function roomView(s: RoomState, lastSeq: number): Room {
  return {
    id: s.roomId,
    name: s.name,
    topic: s.topic,
    visibility: s.visibility,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    memberCount: Object.keys(s.members).length,
    lastSeq,
  };
}

// ---- deciders: pure functions from (state, intent) to events, or a NatterError ----

function mustExist(s: RoomState): void {
  if (!s.exists) throw new NatterError('room_not_found');
}

export function decideCreate(s: RoomState, c: { roomId: string; name: string; topic: string; visibility: Visibility; actor: string }): NewEvent[] {
  if (s.exists) throw new NatterError('conflict', 'A room with this id already exists.');
  return [
    { type: 'RoomCreated', data: { roomId: c.roomId, name: c.name, topic: c.topic, visibility: c.visibility, createdBy: c.actor } },
    { type: 'MemberJoined', data: { roomId: c.roomId, userId: c.actor, role: 'owner', addedBy: null } },
  ];
}

/** Public rooms only. Already a member: nothing to append (the caller answers with the current seq). */
export function decideJoin(s: RoomState, actor: string): NewEvent[] {
  mustExist(s);
  if (s.members[actor]) return [];
  if (s.visibility !== 'public') throw new NatterError('forbidden', 'This room is private; a member must add you.');
  return [{ type: 'MemberJoined', data: { roomId: s.roomId, userId: actor, role: 'member', addedBy: null } }];
}

export function decideLeave(s: RoomState, actor: string): NewEvent[] {
  mustExist(s);
  if (!s.members[actor]) throw new NatterError('not_member');
  return [{ type: 'MemberLeft', data: { roomId: s.roomId, userId: actor, reason: 'left', removedBy: null } }];
}

function mustManage(s: RoomState, actor: string): Role {
  mustExist(s);
  const role = s.members[actor];
  if (!role) throw new NatterError('not_member');
  if (role !== 'owner' && role !== 'admin') throw new NatterError('forbidden', 'Only the room owner or an admin may do this.');
  return role;
}

/** Owner/admin adds a user (the only way into a private room). Already a member: nothing to append. */
export function decideAddMember(s: RoomState, actor: string, target: string, targetExists: boolean): NewEvent[] {
  mustManage(s, actor);
  if (!targetExists) throw new NatterError('user_not_found');
  if (s.members[target]) return [];
  return [{ type: 'MemberJoined', data: { roomId: s.roomId, userId: target, role: 'member', addedBy: actor } }];
}

/** Owner/admin removes a member. Nobody removes the owner; only the owner removes an admin. */
export function decideRemoveMember(s: RoomState, actor: string, target: string): NewEvent[] {
  const actorRole = mustManage(s, actor);
  const targetRole = s.members[target];
  if (!targetRole) throw new NatterError('not_member', 'That user is not a member of this room.');
  if (target === actor) throw new NatterError('forbidden', 'Use leave to leave a room.');
  if (targetRole === 'owner' || (targetRole === 'admin' && actorRole !== 'owner')) {
    throw new NatterError('forbidden', 'You may not remove this member.');
  }
  return [{ type: 'MemberLeft', data: { roomId: s.roomId, userId: target, reason: 'removed', removedBy: actor } }];
}

/** The caller must be a member of an existing room; answers their role. */
export function mustBeMember(s: RoomState, actor: string): Role {
  mustExist(s);
  const role = s.members[actor];
  if (!role) throw new NatterError('not_member');
  return role;
}

/**
 * A message into the room's `.msg` subject. Decided on the meta state (membership) but not appended to the
 * meta subject: sends are not serialized per room, so nothing else about the room may be decided here
 * without being re-checked against that state (future: archived rooms, bans). `mentions` and `thread` are
 * decided by the messages feature (message.aggregate.ts) and carried as they are.
 */
export function decideSend(
  s: RoomState,
  m: { actor: string; messageId: string; clientMsgId: string; text: string } & Pick<EventDataOf<'MessageSent'>, 'mentions' | 'thread'>,
): NewEvent<'MessageSent'> {
  mustBeMember(s, m.actor);
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
  mustManage(s, actor);
  const next: RoomSettings = {
    editWindowSeconds: change.editWindowSeconds === undefined ? s.settings.editWindowSeconds : change.editWindowSeconds,
    anyoneCanPin: change.anyoneCanPin ?? s.settings.anyoneCanPin,
  };
  if (next.editWindowSeconds === s.settings.editWindowSeconds && next.anyoneCanPin === s.settings.anyoneCanPin) return [];
  return [{ type: 'RoomSettingsUpdated', data: { roomId: s.roomId, ...next } }];
}
