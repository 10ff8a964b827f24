import type { z } from 'zod';

/**
 * One event type: the schema of its data at the current version, that version, and how older versions
 * are upcast. Stored events never change: when an event's shape changes, bump `v`, change `data`, and add
 * `upcast[v - 1]` turning the previous version's data into this one's. Projections and the edge only ever
 * see the current version (decodeEvent upcasts step by step).
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly v: number;
  readonly data: S;
  /** `upcast[n]` turns version n's data into version n+1's. */
  readonly upcast?: Readonly<Record<number, (data: any) => unknown>>;
}

/** The events of one aggregate or context (`user.events.ts`, `room.events.ts`, ...), merged by catalog.ts. */
export type EventDefinitions = Readonly<Record<string, EventDefinition>>;
