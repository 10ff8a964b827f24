import type { EventType } from './catalog';

/**
 * `upcasters[type][v]` turns version v's data into version v+1's. Empty today: every event is at v1. When an
 * event changes shape, bump CurrentVersion in catalog.ts and add the step here; stored events never change.
 */
export const upcasters: Partial<Record<EventType, Record<number, (data: any) => unknown>>> = {};
