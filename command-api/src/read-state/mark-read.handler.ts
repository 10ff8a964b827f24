import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, newId, Subjects, type MarkReadResult, type ReadMarker } from '@natter/contracts';
import { MESSAGE_READS, type MessageReads } from '../messages/message-reads';
import { mustBeMember, RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { EVENT_STORE } from '../shared/event-store.provider';
import type { EventStore } from '../shared/event-store';
import { MarkReadCommand } from './mark-read.command';

/**
 * Appends one ReadMarkersMoved to the reader's own subject `ev.user.<userId>`, where every device of theirs
 * receives it (per-user delivery). Checked first, for every marker: the room is one the reader is in (room
 * state refreshed from the stream; a private room they are not in is room_not_found), the seq is not past
 * the room's newest event (a marker from the future would silently mark messages not yet sent as read), and a
 * thread's marker names a message of the room (a reply names its thread).
 *
 * Not expectation-guarded and not serialized with the user aggregate: markers are a max per (room, thread) in
 * the projection, so two devices moving markers at once cannot lose either move, and a retried command that
 * appends twice changes nothing more than once did.
 */
@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MESSAGE_READS) private readonly reads: MessageReads,
  ) {}

  async execute({ caller, markers }: MarkReadCommand): Promise<MarkReadResult> {
    const rooms = [...new Set(markers.map((m) => m.roomId))];
    const heads = new Map<string, { head: number; msgHead: number }>();
    await Promise.all(
      rooms.map(async (roomId) => {
        const [{ state, version }, msgHead] = await Promise.all([this.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId)), this.store.lastSeqOf(Subjects.roomMsg(roomId))]);
        mustBeMember(state, caller.userId);
        heads.set(roomId, { head: Math.max(version, msgHead), msgHead });
      }),
    );
    const checked = await Promise.all(
      markers.map(async (m, i): Promise<ReadMarker> => {
        const { head, msgHead } = heads.get(m.roomId)!;
        if (m.seq > head) {
          throw new NatterError('validation_failed', `seq ${m.seq} is past the newest event of room ${m.roomId} (${head}).`, [{ path: `markers.${i}.seq`, message: 'past the room\'s newest event' }]);
        }
        if (m.threadRootSeq === undefined) return m;
        // A thread's marker names a message of the room (read as a message change reads its target); a reply
        // stands for the thread it is in, as for a thread mute.
        const root = m.threadRootSeq <= msgHead ? await this.reads.message(m.roomId, m.threadRootSeq, msgHead) : null;
        if (!root) throw new NatterError('validation_failed', `threadRootSeq ${m.threadRootSeq} is not a message of room ${m.roomId}.`, [{ path: `markers.${i}.threadRootSeq`, message: 'not a message of this room' }]);
        return { ...m, threadRootSeq: root.threadRootSeq ?? m.threadRootSeq };
      }),
    );
    const merged = mergeMarkers(checked);
    const appended = await this.store.appendIdempotent(Subjects.user(caller.userId), `read:${caller.userId}:${newId()}`, { type: 'ReadMarkersMoved', data: { userId: caller.userId, markers: merged } }, caller.userId);
    return { seq: appended.seq };
  }
}

/** One marker per (room, thread): the greatest seq asked for (markers only move forward anyway). */
export function mergeMarkers(markers: readonly ReadMarker[]): ReadMarker[] {
  const byKey = new Map<string, ReadMarker>();
  for (const m of markers) {
    const key = `${m.roomId}:${m.threadRootSeq ?? 0}`;
    const prev = byKey.get(key);
    if (!prev || m.seq > prev.seq) byKey.set(key, m);
  }
  return [...byKey.values()];
}
