import type { ReadModelDB } from '@natter/infra/runtime';
import type { ChangeSet } from '../runtime/change-set';
import { max } from '../runtime/change-set';
import type { Reducers } from '../runtime/reduced-projection';

/**
 * Read markers (issue 12): the greatest seq a reader has read up to, per room (`thread_root_seq` 0) and per
 * thread. Created by the first move (insert, first wins) and moved only forward (`max`), so any split of the
 * stream into batches gives the same rows, and a marker event older than a later send changes nothing.
 * A send moves the sender's marker to their own message (the room's for a timeline message, the thread's for a
 * reply): what you wrote is read, and your own messages are never after your marker, which the counts rely on
 * (query-api's unread query subtracts nothing for them).
 */
export function moveMarker(out: ChangeSet<ReadModelDB>, userId: string, roomId: string, threadRootSeq: number, seq: number): void {
  out.insert('read_markers', { user_id: userId, room_id: roomId, thread_root_seq: threadRootSeq, seq });
  out.patch('read_markers', { user_id: userId, room_id: roomId, thread_root_seq: threadRootSeq }, { seq: max(seq) });
}

export const readStateReducers: Reducers<ReadModelDB> = {
  ReadMarkersMoved: ({ data: d }, out) => {
    for (const m of d.markers) moveMarker(out, d.userId, m.roomId, m.threadRootSeq ?? 0, m.seq);
  },
};
