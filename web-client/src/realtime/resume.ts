import { membershipChange, type ClientFrame, type EventEnvelope, type ServerFrame } from '@natter/contracts/browser';
import type { Outbox } from './outbox';
import type { Timelines } from './timeline';

/**
 * What the client's positions become on each frame of the resume protocol (docs/websocket.md). Positions are
 * the timelines' (the last seq applied per room), all of one epoch (`timelines.epoch`): the stream they were
 * collected in.
 */

type Synced = Extract<ServerFrame, { type: 'synced' }>;
type Truncated = Extract<ServerFrame, { type: 'truncated' }>;

/**
 * The `resume` frame: every tracked position, and the epoch they belong to (when known); `user` opts in to the
 * user's own events (the last seq applied, or 'now').
 */
export function resumeFrame(timelines: Timelines, user?: number | 'now'): ClientFrame {
  const epoch = timelines.epoch;
  return { type: 'resume', ...(epoch ? { epoch } : {}), rooms: timelines.positions(), ...(user === undefined ? {} : { user }) };
}

/** `synced`: complete up to these positions; tracked rooms it does not list are rooms the user is no longer in. */
export function applySynced(timelines: Timelines, frame: Synced): void {
  if (frame.epoch) timelines.setEpoch(frame.epoch);
  for (const [roomId, seq] of Object.entries(frame.rooms)) timelines.advance(roomId, seq);
  for (const roomId of Object.keys(timelines.positions())) {
    if (!(roomId in frame.rooms)) timelines.untrack(roomId);
  }
}

/**
 * `truncated`: the room's events in (after, upto] will not come over the socket. What is held stops being
 * contiguous with what comes next, so the room starts afresh at `upto`: the view loads the newest page again
 * (with minSeq = upto) and older pages on demand, which covers the gap.
 */
export function applyTruncated(timelines: Timelines, frame: Truncated): void {
  timelines.reset(frame.room, frame.upto);
}

/**
 * `reset`: every position (and every item, whose seqs are of another stream) is void; the new epoch (null if
 * the frame was lost and only the 4003 close came) is kept so history loaded meanwhile is stamped with it. The outbox: a message never sent can go to the new stream;
 * one that was sent may already be in it (a restore), and nothing on the server says whether its clientMsgId
 * would still be recognised, so it is marked failed for the user to check the reloaded room, then retry or
 * discard. Never an automatic resend that could store it twice.
 */
export function applyReset(timelines: Timelines, outbox: Outbox, epoch: string | null): void {
  timelines.clearAll(epoch);
  for (const e of outbox.all()) {
    if (e.attempts > 0) {
      outbox.update(e.clientMsgId, { status: 'failed', error: { code: 'stream_reset', message: 'The server was reset. Check the room, then retry or discard this message.' } });
    }
  }
}

/**
 * A live or backfilled event: applied once (false for a duplicate). Membership of the user itself (contracts'
 * `membershipChange`, the rule the edge delivers by): a start in a room not tracked but holding items means
 * a return after a time away, so the room starts afresh; a stop ends tracking (it is not resumed any more).
 */
export function applyEvent(timelines: Timelines, me: string | null, roomId: string, seq: number, event: EventEnvelope): boolean {
  const change = membershipChange(event);
  const mine = change !== null && me !== null && (change.userId === null || change.userId === me);
  const t = timelines.get(roomId);
  if (mine && change.change === 'start' && t.position === null && t.items.length > 0) timelines.reset(roomId, null);
  if (!timelines.applyEvent(roomId, seq, event)) return false;
  if (mine && change.change === 'stop') timelines.untrack(roomId);
  return true;
}
