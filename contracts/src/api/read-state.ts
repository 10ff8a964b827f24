import { z } from 'zod';
import { Limits } from '../limits';
import { ReadMarker } from '../events/read-state.events';

/**
 * `POST /api/me/read-markers`: move read markers forward (as the person reads a room or a thread, or "mark all
 * read"). Every room must be one you are in; `seq` at most the room's newest event. Markers never move back:
 * one behind the current marker changes nothing.
 */
export const MarkReadBody = z.strictObject({
  markers: z.array(ReadMarker.strict()).min(1).max(Limits.readMarkersPerCommand),
});
export type MarkReadBody = z.infer<typeof MarkReadBody>;

export const MarkReadResult = z.object({
  /** The sequence of the ReadMarkersMoved event: read `GET /api/me/rooms?minSeq=<seq>` to see its counts. */
  seq: z.number().int(),
});
export type MarkReadResult = z.infer<typeof MarkReadResult>;

/**
 * Unread state of one room for the caller, in `GET /api/me/rooms` (exact as of the response's `asOfSeq`):
 * messages of the room's timeline after the marker that are not yours and not deleted, and those of them that
 * mention you (`@you`, `@room`, `@here`).
 */
export const UnreadState = z.object({
  /** Read up to this seq (your marker, moved by reading or by sending; your join before any). */
  readSeq: z.number().int(),
  unread: z.number().int().nonnegative(),
  mentions: z.number().int().nonnegative(),
  /** The first unread message's seq (null when none): the "new messages" line and "jump to first unread". */
  firstUnreadSeq: z.number().int().nullable(),
});
export type UnreadState = z.infer<typeof UnreadState>;
