import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MsgDedupe, NatterError, newId, parseMentions, redactContent, Subjects, type EventDataOf, type Message, type SendMessageResult, type StoredEvent } from '@natter/contracts';
import { decideSend, mustBeMember, RoomAggregate, type RoomState } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { EVENT_STORE } from '../shared/event-store.provider';
import type { EventStore } from '../shared/event-store';
import type { CommandApiConfig } from '../config';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, KYSELY } from '../shared/tokens';
import type { Kysely } from 'kysely';
import { UploadsRepository } from '../files/uploads.repository';
import type { FilesDB } from '../files/uploads.table';
import { DEDUPE_BACKSTOP, type DedupeBackstop } from './dedupe-backstop';
import { DEDUPE_RECORDS, type DedupeRecords } from './dedupe-records';
import { decideMentions, decideThread } from './message.aggregate';
import { MESSAGE_READS, type MessageReads } from './message-reads';
import { SendMessageCommand } from './send-message.command';

/**
 * Idempotent send. Guarantee: one (room, sender, clientMsgId) is stored at most once, and every retry gets
 * the first result (same seq and message, `duplicate: true`). Two layers: the stream's msgID duplicate window
 * (2 min: a retry racing the first attempt, or arriving soon after), and the KV record of the first result
 * (a week), written from the committed event by the projector before its batch commits, or by this instance's
 * DedupeBackstop if the projector has not got there within 30 s, so always inside the window. The JetStream
 * requests of a plain send: the record read and the room refresh (together, with the rate limit's Postgres
 * call), then the append: one write. Messages are not serialized per room: the room's rules (decideSend:
 * membership, archive) are checked against room state refreshed from the stream just before publishing.
 *
 * Mentions and threads (issue 10) cost nothing for a plain message: names are resolved only when the text has
 * an @username (users by name from the read model), and a reply reads the message it answers (and that one's
 * root, if it is itself a reply) as of the head of the room's `.msg` subject.
 */
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  private readonly uploads: UploadsRepository;
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DEDUPE_RECORDS) private readonly dedupe: DedupeRecords,
    @Inject(MESSAGE_READS) private readonly reads: MessageReads,
    @Inject(DEDUPE_BACKSTOP) private readonly backstop: DedupeBackstop,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(KYSELY) db: Kysely<unknown>,
  ) {
    this.uploads = new UploadsRepository(db as Kysely<FilesDB>);
  }

  async execute({ caller, roomId, clientMsgId, text, reply, attachments: fileIds }: SendMessageCommand): Promise<SendMessageResult> {
    if (text.trim() === '' && fileIds.length === 0) throw new NatterError('validation_failed', undefined, [{ path: 'text', message: 'must not be blank (unless the message has attachments)' }]);
    const dedupeKey = MsgDedupe.key(roomId, caller.userId, clientMsgId);
    // The limit (Postgres) and both reads go out together (one round trip, not three): the refresh is
    // requested after this send arrived, so the membership check below is still against room state at least
    // that fresh. A refused send appends nothing.
    const allowedP = this.limiter.take(`send:${caller.userId}`, this.config.limits.sends);
    const seenP = this.dedupe.get(dedupeKey);
    const roomP = this.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
    // Unobserved when the limit refuses first, when the record answers, or when the KV read fails first.
    seenP.catch(() => {});
    roomP.catch(() => {});
    const parsed = parseMentions(text);
    const usersP = parsed.usernames.length ? this.reads.usersByName(parsed.usernames) : Promise.resolve([]);
    usersP.catch(() => {});
    await allowedP;
    const rec = await seenP;
    if (rec) {
      return { seq: rec.seq, message: await this.storedMessage(rec.seq), duplicate: true };
    }

    const { state } = await roomP;
    const thread = reply ? await this.thread(state, caller.userId, roomId, reply) : undefined;
    const mentioned = decideMentions(state, parsed, await usersP);
    const hasMentions = mentioned.mentions.userIds.length > 0 || parsed.room || parsed.here;
    const messageId = newId();
    const event = decideSend(state, { actor: caller.userId, messageId, clientMsgId, text, thread, ...(hasMentions ? { mentions: mentioned.mentions } : {}) });
    // Files: claimed for this send (by sender and clientMsgId, so a retry claims them again) after the room's
    // rules passed, carried whole in the event; given back if the append fails.
    const claim = `${caller.userId}:${clientMsgId}`;
    const attachments = fileIds.length ? await this.uploads.claim(fileIds, roomId, caller.userId, claim) : [];
    if (attachments.length) event.data.attachments = attachments;
    let appended: Awaited<ReturnType<EventStore['appendIdempotent']>>;
    try {
      appended = await this.store.appendIdempotent(Subjects.roomMsg(roomId), `msg:${roomId}:${caller.userId}:${clientMsgId}`, event, caller.userId);
    } catch (err) {
      if (attachments.length) await this.uploads.release(fileIds, claim).catch(() => {});
      throw err;
    }
    if (appended.duplicate) {
      return { seq: appended.seq, message: await this.storedMessage(appended.seq), duplicate: true };
    }
    const message: Message = { id: messageId, roomId, seq: appended.seq, senderId: caller.userId, clientMsgId, text, sentAt: appended.envelope.at, ...(attachments.length ? { attachments } : {}) };
    // The record is the projector's to write; the backstop writes it if the projector is late (see above).
    this.backstop.appended(dedupeKey, { seq: appended.seq, messageId, sentAt: message.sentAt });
    return { seq: appended.seq, message, duplicate: false, ...(mentioned.notInRoom.length ? { notInRoom: mentioned.notInRoom } : {}) };
  }

  /** The thread a reply goes into: the replied-to message's, read as of the subject's head (so a delete is seen). */
  private async thread(state: RoomState, actor: string, roomId: string, reply: { rootSeq: number; alsoToRoom: boolean }): Promise<EventDataOf<'MessageSent'>['thread']> {
    mustBeMember(state, actor); // before asking the read model anything about the room
    const head = await this.store.lastSeqOf(Subjects.roomMsg(roomId));
    const target = await this.reads.message(roomId, reply.rootSeq, head);
    const root = target?.threadRootSeq != null ? await this.reads.message(roomId, target.threadRootSeq, head) : null;
    return decideThread(target, root, reply.alsoToRoom);
  }

  /**
   * The stored original of a retried send. A message deleted since is answered without its text: deleted text
   * is never served again (contracts' redactContent).
   */
  private async storedMessage(seq: number): Promise<Message> {
    const e = await this.store.readAt(seq);
    if (!e || e.type !== 'MessageSent') throw new NatterError('internal', `stored message ${seq} not found`);
    const deleted = await this.reads.deleted(e.data.roomId, [seq], seq);
    return toMessage(deleted.includes(seq) ? redactContent(e as StoredEvent<'MessageSent'>) : (e as StoredEvent<'MessageSent'>));
  }
}

function toMessage(e: StoredEvent<'MessageSent'>): Message {
  return {
    id: e.data.messageId, roomId: e.data.roomId, seq: e.seq, senderId: e.data.senderId, clientMsgId: e.data.clientMsgId, text: e.data.text, sentAt: e.at,
    ...(e.data.attachments?.length ? { attachments: e.data.attachments } : {}),
  };
}
