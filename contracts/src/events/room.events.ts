import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/** Room roles, highest first. Moderators delete others' messages and kick; admins also manage members and settings. */
export const Role = z.enum(['owner', 'admin', 'moderator', 'member']);
export type Role = z.infer<typeof Role>;
export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;

/** Events of a room's meta aggregate (creation, membership, roles, settings), on `ev.room.<roomId>.meta`. */
export const RoomEvents = {
  RoomCreated: {
    v: 1,
    data: z.object({ roomId: Id, name: z.string(), topic: z.string(), visibility: Visibility, createdBy: Id }),
  },
  MemberJoined: { v: 1, data: z.object({ roomId: Id, userId: Id, role: Role, addedBy: Id.nullable() }) },
  MemberLeft: { v: 1, data: z.object({ roomId: Id, userId: Id, reason: z.enum(['left', 'removed']), removedBy: Id.nullable() }) },
  /**
   * The room's message settings, whole (issue 10): how long authors may edit (seconds after sending; null: no
   * limit, the default) and whether every member may pin (false, the default: owners and admins only).
   */
  RoomSettingsUpdated: {
    v: 1,
    data: z.object({ roomId: Id, editWindowSeconds: z.number().int().positive().nullable(), anyoneCanPin: z.boolean() }),
  },
} as const satisfies EventDefinitions;
