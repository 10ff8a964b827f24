import type { NewEvent, RoomCommandResult } from '@natter/contracts';
import { Subjects } from '@natter/contracts';
import type { AggregateRepository } from '../shared/aggregates';
import type { Caller } from '../shared/caller';
import { RoomAggregate, type RoomState } from './room.aggregate';

/**
 * The body of most room handlers: decide on the room's meta state and append, answering the room and the
 * seq it is at afterwards (nothing appended: the current seq).
 */
export function executeOnRoom(aggregates: AggregateRepository, caller: Caller, roomId: string, decide: (state: RoomState) => NewEvent[]): Promise<RoomCommandResult> {
  return aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
    events: decide(state),
    reply: (after) => ({ roomId, seq: after.version }),
  }));
}
