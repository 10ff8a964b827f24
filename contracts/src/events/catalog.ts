import { z } from 'zod';
import { Id } from '../ids';

/**
 * The current version of every event's data. Adding a field that old events lack means a new version and an
 * upcaster in upcasters.ts; projections and the edge only ever see the current version.
 */
export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;
export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;

export const EventData = {
  // ev.user.<userId>
  UserRegistered: z.object({ userId: Id, username: z.string(), displayName: z.string(), email: z.string() }),
  ProfileUpdated: z.object({ userId: Id, displayName: z.string() }),
  /** A refresh session ended (logout or reuse detected). Carries the session id, never a token or hash. */
  SessionRevoked: z.object({ userId: Id, sessionId: z.string(), reason: z.enum(['logout', 'reuse_detected', 'admin']) }),
  UserDeactivated: z.object({ userId: Id }),

  // ev.room.<roomId>.meta
  RoomCreated: z.object({
    roomId: Id,
    name: z.string(),
    topic: z.string(),
    visibility: Visibility,
    createdBy: Id,
  }),
  MemberJoined: z.object({ roomId: Id, userId: Id, role: Role, addedBy: Id.nullable() }),
  MemberLeft: z.object({ roomId: Id, userId: Id, reason: z.enum(['left', 'removed']), removedBy: Id.nullable() }),

  // ev.room.<roomId>.msg
  MessageSent: z.object({
    roomId: Id,
    messageId: Id,
    senderId: Id,
    clientMsgId: z.string(),
    text: z.string(),
  }),
} as const;

export type EventType = keyof typeof EventData;
export const CurrentVersion: Record<EventType, number> = {
  UserRegistered: 1,
  ProfileUpdated: 1,
  SessionRevoked: 1,
  UserDeactivated: 1,
  RoomCreated: 1,
  MemberJoined: 1,
  MemberLeft: 1,
  MessageSent: 1,
};

export type EventDataOf<T extends EventType> = z.infer<(typeof EventData)[T]>;

/** A decoded event at its current version, with its stream position. */
export type StoredEvent<T extends EventType = EventType> = {
  [K in T]: {
    seq: number;
    subject: string;
    id: string;
    type: K;
    v: number;
    at: string;
    actor: string | null;
    data: EventDataOf<K>;
  };
}[T];

/** An event a command decided on, before it has a sequence. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventDataOf<K> };
}[T];
