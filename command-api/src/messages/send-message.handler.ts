import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MsgDedupe, NatterError, newId, Subjects, type Message, type SendMessageResult, type StoredEvent } from '@natter/contracts';
import type { Logger } from 'pino';
import { decideSend, RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { EVENT_STORE } from '../shared/event-store.provider';
import type { EventStore } from '../shared/event-store';
import { RateLimiter, SEND_LIMITER } from '../shared/rate-limiter';
import { LOGGER } from '../shared/tokens';
import { DEDUPE_BACKSTOP, type DedupeBackstop } from './dedupe-backstop';
import { DEDUPE_RECORDS, type DedupeRecords } from './dedupe-records';
import { SendMessageCommand } from './send-message.command';

/**
 * Idempotent send. Guarantee: one (room, sender, clientMsgId) is stored at most once, and every retry gets
 * the first result (same seq and message, `duplicate: true`). Two layers: the stream's msgID duplicate window
 * (2 min: a retry racing the first attempt, or arriving soon after), and the KV record of the first result
 * (a week), written from the committed event by the projector before its batch commits, or by this instance's
 * DedupeBackstop if the projector has not got there within 30 s, so always inside the window. The JetStream
 * requests of a send: the record read and the room refresh (together), then the append: one write.
 * Messages are not serialized per room: the room's rules (decideSend: membership) are checked against room
 * state refreshed from the stream just before publishing.
 */
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DEDUPE_RECORDS) private readonly dedupe: DedupeRecords,
    @Inject(DEDUPE_BACKSTOP) private readonly backstop: DedupeBackstop,
    @Inject(SEND_LIMITER) private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async execute({ caller, roomId, clientMsgId, text }: SendMessageCommand): Promise<SendMessageResult> {
    this.limiter.take(caller.userId);
    const dedupeKey = MsgDedupe.key(roomId, caller.userId, clientMsgId);
    // Both reads go out together (one round trip, not two): the refresh is requested after this send
    // arrived, so the membership check below is still against room state at least that fresh.
    const seenP = this.dedupe.get(dedupeKey);
    const roomP = this.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
    roomP.catch(() => {}); // unobserved when the record answers, or when the KV read fails first
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
    // The record is the projector's to write; the backstop writes it if the projector is late (see above).
    this.backstop.appended(dedupeKey, { seq: appended.seq, messageId, sentAt: message.sentAt });
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
