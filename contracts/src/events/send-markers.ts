import type { ReadMarker } from './read-state.events';

/**
 * Where a send moves its sender's read markers (what you wrote is read, and so is everything before it there):
 * the room's for a timeline message, the thread's for a reply, both for a reply also sent to the room. The chat
 * projection's markers, the notifications it reads and the web client's counts all follow this one rule.
 */
export function markersMovedBySend(roomId: string, seq: number, thread?: { rootSeq: number; alsoToRoom: boolean } | null): ReadMarker[] {
  const out: ReadMarker[] = [];
  if (!thread || thread.alsoToRoom) out.push({ roomId, seq });
  if (thread) out.push({ roomId, seq, threadRootSeq: thread.rootSeq });
  return out;
}
