import { Subjects } from '@natter/contracts';
import type { History, RawEvent } from './ports';

/**
 * A room's stored events with seq > `afterSeq`, ascending, read as its two EXACT subjects (never the wildcard
 * `ev.room.<id>.>`: on nats-server 2.9 a wildcard direct get `next_by_subj` scans the rest of the stream, so a
 * resume cost grew with the stream, not with what the client missed).
 *
 *   1. `last_by_subj` of `ev.room.<id>.meta` and `ev.room.<id>.msg` (two cheap indexed lookups, in parallel).
 *   2. A subject whose last seq is <= afterSeq has nothing new: not read at all. Both up to date: done, with
 *      no `next_by_subj` request (the common resume of a client that was away briefly).
 *   3. Each subject with newer events is read from afterSeq up to that last seq (History.eventsAfter: direct
 *      get `next_by_subj` on the exact subject, an ordered consumer with that one filter for long gaps), and
 *      the two ascending lists are merged by seq as they stream (one read in flight per subject).
 *
 * Completeness: the caller's live subscriptions for the room exist before step 1 (RoomCursor attaches to the
 * feed first), so an event committed after a subject's `last_by_subj` answer arrives live; everything up to
 * that answer is read here. The ends are per subject, so the result may stop before a later event of the other
 * subject: that one is live too. Sequences are unique across subjects, so the merge has no ties.
 */
export async function* roomEventsAfter(history: History, roomId: string, afterSeq: number): AsyncGenerator<RawEvent> {
  yield* roomEventsUpTo(history, roomId, afterSeq, await roomHeads(history, roomId));
}

/** The last seq of each of a room's two subjects (0 if none): where a backfill that starts now ends. */
export interface RoomHeads {
  meta: number;
  msg: number;
}

/** Step 1: `last_by_subj` of both subjects, in parallel. */
export async function roomHeads(history: History, roomId: string): Promise<RoomHeads> {
  const [meta, msg] = await Promise.all([history.lastSeqOf(Subjects.roomMeta(roomId)), history.lastSeqOf(Subjects.roomMsg(roomId))]);
  return { meta, msg };
}

/** The highest of the heads: everything of the room up to it is read by steps 2-3, the rest arrives live. */
export const headOf = (heads: RoomHeads): number => Math.max(heads.meta, heads.msg);

/** Steps 2-3: the events with afterSeq < seq <= each subject's head, merged by seq. */
export async function* roomEventsUpTo(history: History, roomId: string, afterSeq: number, heads: RoomHeads): AsyncGenerator<RawEvent> {
  const wanted: [string, number][] = [
    [Subjects.roomMeta(roomId), heads.meta],
    [Subjects.roomMsg(roomId), heads.msg],
  ];
  const reads = wanted.flatMap(([s, last]) => (last > afterSeq ? [history.eventsAfter(s, afterSeq, last)] : []));
  if (reads.length === 0) return;
  if (reads.length === 1) {
    yield* reads[0];
    return;
  }
  yield* mergeBySeq(reads[0], reads[1]);
}

/** Merges two ascending streams by seq, with the next read of each in flight while the other is consumed. */
export async function* mergeBySeq(a: AsyncIterable<RawEvent>, b: AsyncIterable<RawEvent>): AsyncGenerator<RawEvent> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let pa: Promise<IteratorResult<RawEvent>> | null = ia.next();
  let pb: Promise<IteratorResult<RawEvent>> | null = ib.next();
  // An unawaited rejection of the other read must not surface as unhandled if we stop early.
  pa.catch(() => {});
  pb.catch(() => {});
  try {
    let ha = await pa;
    let hb = await pb;
    while (!ha.done || !hb.done) {
      if (hb.done || (!ha.done && ha.value.seq < hb.value.seq)) {
        const v = ha.value as RawEvent;
        pa = ia.next();
        pa.catch(() => {});
        yield v;
        ha = await pa;
      } else {
        const v = hb.value;
        pb = ib.next();
        pb.catch(() => {});
        yield v;
        hb = await pb;
      }
    }
    pa = pb = null;
  } finally {
    // Stopped early (socket closed, a read failed): release both reads (ordered consumers are deleted).
    if (pa) void pa.then(() => ia.return?.(), () => {}).catch(() => {});
    if (pb) void pb.then(() => ib.return?.(), () => {}).catch(() => {});
  }
}
