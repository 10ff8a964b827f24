import type { NewEvent } from '@natter/contracts';
import { mustBeWritable, mustExist, mustHaveRole, mustManage, mustNotBeDm, type RoomState } from './room.aggregate';

/**
 * Deciders of a room's settings: name and topic, archive, delete. Pure, like the ones in room.aggregate.ts.
 * `serverAdmin`: the actor is a server admin, who may archive, unarchive and delete any room (admin panel).
 */

/** Owner/admin; only the fields that change are in the event, and nothing is appended when none does. */
export function decideUpdateRoom(s: RoomState, actor: string, c: { name?: string; topic?: string }): NewEvent[] {
  mustManage(s, actor, 'change the room');
  mustNotBeDm(s);
  mustBeWritable(s);
  const name = c.name !== undefined && c.name !== s.name ? c.name : undefined;
  const topic = c.topic !== undefined && c.topic !== s.topic ? c.topic : undefined;
  if (name === undefined && topic === undefined) return [];
  return [{ type: 'RoomUpdated', data: { roomId: s.roomId, ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}) } }];
}

function mayManageSettings(s: RoomState, actor: string, serverAdmin: boolean, what: string): void {
  mustExist(s);
  mustNotBeDm(s);
  if (!serverAdmin) mustManage(s, actor, what);
}

export function decideArchive(s: RoomState, actor: string, serverAdmin: boolean): NewEvent[] {
  mayManageSettings(s, actor, serverAdmin, 'archive the room');
  return s.archived ? [] : [{ type: 'RoomArchived', data: { roomId: s.roomId } }];
}

export function decideUnarchive(s: RoomState, actor: string, serverAdmin: boolean): NewEvent[] {
  mayManageSettings(s, actor, serverAdmin, 'unarchive the room');
  return s.archived ? [{ type: 'RoomUnarchived', data: { roomId: s.roomId } }] : [];
}

/** The owner (or a server admin). A deleted room is not found afterwards, so a retried delete is room_not_found. */
export function decideDelete(s: RoomState, actor: string, serverAdmin: boolean): NewEvent[] {
  mustExist(s);
  mustNotBeDm(s);
  if (!serverAdmin) mustHaveRole(s, actor, 'owner', 'delete the room');
  return [{ type: 'RoomDeleted', data: { roomId: s.roomId } }];
}
