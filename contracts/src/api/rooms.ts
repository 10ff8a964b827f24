import { z } from 'zod';
import { Role, Visibility } from '../events/catalog';
import { Id } from '../ids';
import { Limits } from '../limits';
import { Text } from '../text';

export const CreateRoomBody = z.strictObject({
  name: Text({ min: 1, max: Limits.roomNameChars }),
  topic: Text({ max: Limits.roomTopicChars, multiline: true }).default(''),
  visibility: Visibility,
});
export type CreateRoomBody = z.input<typeof CreateRoomBody>;

/** Owners and admins add people to a room (the only way into a private room). */
export const AddMemberBody = z.strictObject({ userId: Id });
export type AddMemberBody = z.infer<typeof AddMemberBody>;

export const Room = z.object({
  id: z.string(),
  name: z.string(),
  topic: z.string(),
  visibility: Visibility,
  createdBy: z.string(),
  createdAt: z.string(),
  memberCount: z.number().int(),
  /** Sequence of the room's latest event (message or membership). */
  lastSeq: z.number().int(),
});
export type Room = z.infer<typeof Room>;

export const MyRoom = Room.extend({ role: Role, joinedSeq: z.number().int() });
export type MyRoom = z.infer<typeof MyRoom>;

export const Member = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  joinedSeq: z.number().int(),
});
export type Member = z.infer<typeof Member>;

/** Result of create/join/leave/add/remove: the sequence of the event appended (or of the existing state). */
export const RoomCommandResult = z.object({ roomId: z.string(), seq: z.number().int(), room: Room.optional() });
export type RoomCommandResult = z.infer<typeof RoomCommandResult>;
