import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/**
 * Read state (issue 12), on the reader's own subject `ev.user.<userId>` so every device of theirs receives it
 * (per-user delivery, `deliversToUser`). A marker is "read up to this stream sequence" in a room, or in one
 * thread of it (`threadRootSeq`); markers only move forward (the projection keeps the greatest), so a marker
 * event that is older than what a newer one or a send already moved to changes nothing.
 */
export const ReadMarker = z.object({
  roomId: Id,
  seq: z.number().int().nonnegative(),
  /** A thread's marker (the root message's seq); left out: the room's timeline. */
  threadRootSeq: z.number().int().positive().optional(),
});
export type ReadMarker = z.infer<typeof ReadMarker>;

export const ReadStateEvents = {
  /** One or more markers moved by the reader (one room as they read, or every room: "mark all read"). */
  ReadMarkersMoved: { v: 1, data: z.object({ userId: Id, markers: z.array(ReadMarker).min(1) }) },
} as const satisfies EventDefinitions;

