import { eventToItem, ownEventTypes, type EventToItem, type TimelineItem } from '../../realtime';
import { memberJoined } from './member-joined';
import { memberLeft } from './member-left';
import { messageSent } from './message-sent';
import type { TimelineRenderer, TimelineRenderers } from './renderer';
import { roomCreated } from './room-created';
import { inviteCreated, inviteRevoked, memberBanned, memberRoleChanged, memberUnbanned, ownershipTransferred } from './moderation-events';
import { directMessageStarted, roomArchived, roomDeleted, roomUnarchived, roomUpdated } from './room-settings-events';

/**
 * Every event type a room's timeline shows, and its row. A new event type shown in the timeline is one
 * renderer file and one line here; types without a line are not shown.
 */
export const timelineRenderers: TimelineRenderers = {
  MessageSent: messageSent,
  MemberJoined: memberJoined,
  MemberLeft: memberLeft,
  RoomCreated: roomCreated,
  // ---- people and moderation (issue 11)
  RoomUpdated: roomUpdated,
  RoomArchived: roomArchived,
  RoomUnarchived: roomUnarchived,
  RoomDeleted: roomDeleted,
  DirectMessageStarted: directMessageStarted,
  MemberRoleChanged: memberRoleChanged,
  OwnershipTransferred: ownershipTransferred,
  MemberBanned: memberBanned,
  MemberUnbanned: memberUnbanned,
  InviteCreated: inviteCreated,
  InviteRevoked: inviteRevoked,
};

const shown = (type: string): type is keyof TimelineRenderers => Object.prototype.hasOwnProperty.call(timelineRenderers, type);

/**
 * The Timelines' mapping (app/realtime.tsx): messages and membership changes become the realtime module's
 * own items (or none: a thread-only reply is its thread's), any other event with a renderer a generic item
 * carrying the event.
 */
export const timelineItemOf: EventToItem = (seq, e) =>
  ownEventTypes.has(e.type) ? eventToItem(seq, e) : shown(e.type) ? { kind: 'event', seq, type: e.type, at: e.at, actor: e.actor, data: e.data } : null;

/** The event type an item stands for. */
export function eventTypeOf(item: TimelineItem): string {
  if (item.kind === 'message') return 'MessageSent';
  if (item.kind === 'member') return item.change === 'joined' ? 'MemberJoined' : 'MemberLeft';
  return item.type;
}

/** Whether an event of this type changes the room's details, members, bans or invites (its renderer says so). */
export const changesRoomInfo = (type: string): boolean => shown(type) && timelineRenderers[type]?.roomInfo === true;

export function rendererOf(item: TimelineItem): TimelineRenderer | undefined {
  const type = eventTypeOf(item);
  return shown(type) ? (timelineRenderers[type] as TimelineRenderer | undefined) : undefined;
}
