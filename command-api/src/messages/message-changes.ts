import { Inject } from '@nestjs/common';
import { Subjects, type MessageChangeResult, type MessageFacts, type NewEvent } from '@natter/contracts';
import type { Logger } from 'pino';
import { mustBeMember, mustBeWritable, RoomAggregate, type RoomState } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import type { Caller } from '../shared/caller';
import type { EventStore } from '../shared/event-store';
import { EVENT_STORE } from '../shared/event-store.provider';
import type { CommandApiConfig } from '../config';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, LOGGER } from '../shared/tokens';
import { DEDUPE_RECORDS, type DedupeRecords, type OpRecord } from './dedupe-records';
import { MESSAGE_READS, type MessageReads } from './message-reads';

/** How a change is made idempotent: the client's operation id, or a key of the change itself (a delete). */
export type Idempotency = { clientOpId: string } | { key: string };

/** A decider's answer: the event to append, or "already done" with the seq that did it. */
export type ChangeDecision = NewEvent | { already: number };

/**
 * The one way a change to a message (edit, delete, reaction, pin) is made:
 *   1. in parallel: the client's earlier result for this clientOpId (KV), the room's meta state, and the head
 *      of the room's `.msg` subject;
 *   2. the message's facts from the read model as of at least that head (MessageReads), so the decision sees
 *      every change stored before the command arrived;
 *   3. the decider (message.aggregate.ts), then one append with msgID `op:<room>:<user>:<clientOpId>` (or the
 *      change's own key), so a retry racing the first attempt is JetStream's duplicate; the first result is
 *      recorded in KV for retries after the duplicate window, like a send.
 * Not serialized: see message.aggregate.ts for what racing changes do. Rate limited with sends (per user,
 * shared by every instance).
 */
export class MessageChanges {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DEDUPE_RECORDS) private readonly dedupe: DedupeRecords,
    @Inject(MESSAGE_READS) private readonly reads: MessageReads,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async run(
    caller: Caller,
    roomId: string,
    messageSeq: number,
    idempotency: Idempotency,
    decide: (room: RoomState, message: MessageFacts | null) => ChangeDecision,
  ): Promise<MessageChangeResult> {
    // The send limit's bucket (shared by every instance): a change costs what a message does.
    const allowedP = this.limiter.take(`send:${caller.userId}`, this.config.limits.sends);
    const subject = Subjects.roomMsg(roomId);
    const opKey = 'clientOpId' in idempotency ? `op.${roomId}.${caller.userId}.${idempotency.clientOpId}` : null;
    const roomP = this.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
    const headP = this.store.lastSeqOf(subject);
    roomP.catch(() => {});
    headP.catch(() => {});
    await allowedP;
    const rec = opKey ? await this.dedupe.get<OpRecord>(opKey) : null;
    if (rec) return { roomId, messageSeq, seq: rec.seq, duplicate: true };
    const [{ state }, head] = await Promise.all([roomP, headP]);
    mustBeMember(state, caller.userId); // before asking the read model anything about the room
    mustBeWritable(state); // an archived room is read-only: its messages change no more
    const decision = decide(state, await this.reads.message(roomId, messageSeq, head));
    if ('already' in decision) return { roomId, messageSeq, seq: decision.already, duplicate: true };
    const msgID = opKey ? `op:${roomId}:${caller.userId}:${(idempotency as { clientOpId: string }).clientOpId}` : (idempotency as { key: string }).key;
    const appended = await this.store.appendIdempotent(subject, msgID, decision, caller.userId);
    if (opKey && !appended.duplicate) {
      // Not awaited, as for sends: until it lands, a retry is the stream's duplicate (same seq either way).
      void this.dedupe.put(opKey, { seq: appended.seq }).catch((err) => this.log.warn({ err, opKey }, 'op record not written'));
    }
    return { roomId, messageSeq, seq: appended.seq, duplicate: appended.duplicate };
  }

  /** The users a text names by @username (none asked when it names nobody). */
  usersByName(usernames: string[]): Promise<{ userId: string; username: string }[]> {
    return this.reads.usersByName(usernames);
  }
}
