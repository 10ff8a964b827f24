import { MarkReadBody, MarkReadResult } from '../api/read-state';
import type { CommandDefinitions } from './command-definition';

/** Read state (issue 12): read markers, appended to the reader's own subject `ev.user.<userId>`. */
export const ReadStateCommands = {
  MarkRead: {
    input: MarkReadBody, result: MarkReadResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/me/read-markers', body: MarkReadBody, status: 200 },
    summary: 'Move your read markers (reading a room or a thread, or mark all read)',
    description: 'Each marker says "read up to seq" in a room you are in (or in one of its threads, `threadRootSeq`). Markers only move forward; sending a message also moves yours in that room. Every device of yours receives the change (`user_event` on the WebSocket), and `GET /api/me/rooms?minSeq=<seq>` has the new counts. A room you cannot see is `room_not_found`; a seq past the room\'s newest event is `validation_failed`.',
    resultDescription: 'Moved (the ReadMarkersMoved event\'s seq).',
    errors: ['not_member', 'room_not_found', 'validation_failed'],
  },
} as const satisfies CommandDefinitions;
