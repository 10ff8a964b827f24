import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, newId, Subjects, type Message, type SendMessageResult, type StoredEvent } from '@natter/contracts';
import type { Logger } from 'pino';
import { decideSend, RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { EVENT_STORE } from '../shared/event-store.provider';
import type { EventStore } from '../shared/event-store';
import type { CommandApiConfig } from '../config';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, LOGGER } from '../shared/tokens';
import { DEDUPE_RECORDS, type DedupeRecord, type DedupeRecords } from './dedupe-records';
import { SendMessageCommand } from './send-message.command';

/**
 * Idempotent send. Guarantee: one (room, sender, clientMsgId) is stored at most once, and every retry gets
 * the first result (same seq and message, `duplicate: true`). Two layers: the KV record written after the
 * first success (survives any delay), and the stream's msgID duplicate window (covers a retry racing the
 * first attempt, or a crash between publish and the KV write). Messages are not serialized per room: the
 * room's rules (decideSend: membership) are checked against room state refreshed from the stream just before
 * publishing.
 */
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DEDUPE_RECORDS) private readonly dedupe: DedupeRecords,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async execute({ caller, roomId, clientMsgId, text }: SendMessageCommand): Promise<SendMessageResult> {
    const dedupeKey = `${roomId}.${caller.userId}.${clientMsgId}`;
    // The limit (Postgres) and both reads go out together (one round trip, not three): the refresh is
    // requested after this send arrived, so the membership check below is still against room state at least
    // that fresh. A refused send appends nothing.
    const allowedP = this.limiter.take(`send:${caller.userId}`, this.config.limits.sends);
    const seenP = this.dedupe.get(dedupeKey);
    const roomP = this.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
    // Unobserved when the limit refuses first, when the record answers, or when the KV read fails first.
    seenP.catch(() => {});
    roomP.catch(() => {});
    await allowedP;
    const rec = await seenP;
    if (rec) {
      return { seq: rec.seq, message: await this.storedMessage(rec.seq), duplicate: true };
    }

    const { state } = await roomP;
    const messageId = newId();
    const event = decideSend(state, { actor: caller.userId, messageId, clientMsgId, text });
    const appended = await this.store.appendIdempotent(Subjects.roomMsg(roomId), `msg:${roomId}:${caller.userId}:${clientMsgId}`, event, caller.userId);
    if (appended.duplicate) {
      return { seq: appended.seq, message: await this.storedMessage(appended.seq), duplicate: true };
    }
    const message: Message = { id: messageId, roomId, seq: appended.seq, senderId: caller.userId, clientMsgId, text, sentAt: appended.envelope.at };
    const first: DedupeRecord = { seq: appended.seq, messageId, sentAt: message.sentAt };
    // Not awaited: the reply leaves with the put instead of one round trip later. Safe because the message is
    // stored and acked already, and until the record lands (or if it never does: a failed put, a crash) a
    // retry is caught by the stream's duplicate window (2 min; the put lands or fails within its 5 s
    // timeout), which answers the same seq and message. So a retry gets the first result either way.
    void this.dedupe.put(dedupeKey, first).catch((err) => this.log.warn({ err, dedupeKey }, 'dedupe record not written'));
    return { seq: appended.seq, message, duplicate: false };
  }

  private async storedMessage(seq: number): Promise<Message> {
    const e = await this.store.readAt(seq);
    if (!e || e.type !== 'MessageSent') throw new NatterError('internal', `stored message ${seq} not found`);
    return toMessage(e as StoredEvent<'MessageSent'>);
  }
}

function toMessage(e: StoredEvent<'MessageSent'>): Message {
  return { id: e.data.messageId, roomId: e.data.roomId, seq: e.seq, senderId: e.data.senderId, clientMsgId: e.data.clientMsgId, text: e.data.text, sentAt: e.at };
}
