import { membershipChange, type ResetReason, type StoredEvent, type UserRoomsResult } from '@natter/contracts';
import type { StreamState } from './ports';

/**
 * The pure parts of a socket's `resume` (session.ts runs it): whether the client's positions belong to this
 * stream, and where each room's cursor starts.
 */

/** The node's view of the stream, as a resume needs it (Fanout). */
export interface StreamView {
  readonly epoch: string;
  /** The highest seq this node has seen: a position at or below it is inside the stream. */
  readonly highWater: number;
  /** Ask the stream itself (may find it recreated, which resets every socket of the node). */
  currentStream(): Promise<StreamState>;
}

/**
 * Positions are only meaningful in the epoch they were collected in, and never beyond the end of the stream
 * (a client cannot have seen what was never written: such a position comes from another stream, a restore
 * from a backup, or a bug, and would silence the room until the stream caught up). No positions: nothing to
 * check. The node's own view answers the common case without a request; only a mismatch asks the stream
 * (this node may be the one behind). `user`: the resume's position of `ev.user.<me>`, a position of the same
 * stream, checked with the rooms' (an explicit argument: it used to ride in `rooms` as a fake room '').
 */
export async function positionsProblem(rooms: Record<string, number>, epoch: string | undefined, stream: StreamView, user?: number): Promise<ResetReason | null> {
  let max = user ?? -1;
  for (const k in rooms) if (rooms[k] > max) max = rooms[k];
  if (max < 0) return null;
  if (epoch !== stream.epoch) {
    const now = await stream.currentStream();
    if (epoch !== now.epoch) return 'epoch';
  }
  if (max > stream.highWater && max > (await stream.currentStream()).lastSeq) return 'position';
  return null;
}

/** Where a cursor starts: `pos` (last seq the client holds) and `memberAt` (a member through (pos, memberAt]). */
export interface CursorStart {
  pos: number;
  memberAt: number;
}

/**
 * Each room's start from the client's positions, the membership snapshot and the membership events that
 * arrived while the snapshot was in flight:
 *   - a member's listed room: max(client's seq, joinedSeq - 1): never events from before this membership;
 *   - a member's room not listed: the room's last seq in the snapshot (live from now);
 *   - a room joined after the snapshot (a start event in `pendingMeta`): from that event on;
 *   - listed rooms the user is not in are ignored.
 * The user is a member through the snapshot's asOfSeq in every snapshot room, and from a late join's seq.
 */
export function startingPositions(userId: string, listed: Record<string, number>, snap: UserRoomsResult, pendingMeta: readonly StoredEvent[]): Map<string, CursorStart> {
  const starts = new Map<string, CursorStart>();
  for (const r of snap.rooms) {
    const from = listed[r.roomId];
    const pos = from !== undefined ? Math.max(from, r.joinedSeq - 1) : Math.max(r.lastSeq, r.joinedSeq - 1);
    starts.set(r.roomId, { pos, memberAt: Math.max(snap.asOfSeq, pos) });
  }
  for (const ev of pendingMeta) {
    const change = membershipChange(ev);
    if (change?.change === 'start' && change.userId === userId && ev.seq > snap.asOfSeq && !starts.has(change.roomId)) {
      starts.set(change.roomId, { pos: ev.seq - 1, memberAt: ev.seq });
    }
  }
  return starts;
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
