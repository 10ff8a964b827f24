import type { z } from 'zod';
import type { EventDefinition } from './event-definition';
import { MessageEvents } from './message.events';
import { ReadStateEvents } from './read-state.events';
import { NotificationEvents } from './notification.events';
import { RoomEvents } from './room.events';
import { ServerEvents } from './server.events';
import { UserEvents } from './user.events';

export { AssignableRole, Role, Visibility } from './room.events';

/**
 * Every event type, merged from one file per aggregate or context. Adding an event type is one entry in one
 * of those files (a new context: one more file and one more line here); a spec checks that no two files
 * define the same type.
 */
export const EventCatalog = { ...UserEvents, ...RoomEvents, ...MessageEvents, ...ServerEvents, ...ReadStateEvents, ...NotificationEvents } as const;

export type EventType = keyof typeof EventCatalog;

const types = Object.keys(EventCatalog) as EventType[];
const pick = <K extends keyof EventDefinition>(k: K) => Object.fromEntries(types.map((t) => [t, (EventCatalog[t] as EventDefinition)[k]]));

/** The schema of every event's data at its current version. */
export const EventData = pick('data') as { readonly [T in EventType]: (typeof EventCatalog)[T]['data'] };
/** The current version of every event type: what encodeEvent writes and decodeEvent upcasts to. */
export const CurrentVersion = pick('v') as Readonly<Record<EventType, number>>;

export type EventDataOf<T extends EventType> = z.infer<(typeof EventCatalog)[T]['data']>;

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
