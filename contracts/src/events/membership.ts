import type { EventDataOf } from './catalog';

/**
 * Who starts or stops receiving a room because of an event. `userId: null` means every member (RoomDeleted
 * stops everyone's delivery). Direct-message rooms start through their MemberJoined events like any room;
 * archiving changes nobody's delivery (it refuses sends instead).
 */
export interface MembershipChange {
  roomId: string;
  userId: string | null;
  change: 'start' | 'stop';
}

/**
 * THE rule for live delivery of a room, in one place: which events start or stop a user's delivery. The edge
 * asks it for every room event (a start opens a cursor for the user's sockets, delivered from that event on;
 * a stop is delivered, then nothing of the room after it); projections may ask it too. Any event type not
 * named here changes nobody's delivery and needs no edge change: the edge forwards every room event
 * generically. A new event that does (bans, kicks, room delete/archive, DM creation) adds one case here.
 *
 * `ev` is a decoded event of the catalog (the edge decodes and validates it; the web client holds envelopes the
 * edge sent), so `data` has the shape its `type` says.
 */
export function membershipChange(ev: { type: string; data: unknown }): MembershipChange | null {
  switch (ev.type) {
    case 'MemberJoined': {
      const d = ev.data as EventDataOf<'MemberJoined'>;
      return { roomId: d.roomId, userId: d.userId, change: 'start' };
    }
    case 'MemberLeft': {
      const d = ev.data as EventDataOf<'MemberLeft'>;
      return { roomId: d.roomId, userId: d.userId, change: 'stop' };
    }
    // A ban ends the user's delivery at once (a no-op for a user who was not in the room).
    case 'MemberBanned': {
      const d = ev.data as EventDataOf<'MemberBanned'>;
      return { roomId: d.roomId, userId: d.userId, change: 'stop' };
    }
    // Nobody receives a deleted room after its RoomDeleted.
    case 'RoomDeleted': {
      const d = ev.data as EventDataOf<'RoomDeleted'>;
      return { roomId: d.roomId, userId: null, change: 'stop' };
    }
    default:
      return null;
  }
}

/** Whether `change` concerns `userId` (named, or every member). */
export const concerns = (change: MembershipChange, userId: string): boolean => change.userId === null || change.userId === userId;
