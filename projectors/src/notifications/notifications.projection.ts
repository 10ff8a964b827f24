import { markersMovedBySend, type EventDataOf, type StoredEvent } from '@natter/contracts';
import type { Projection } from '../runtime/projection';
import { decideRecipients, excerptOf, newFollowers } from './decide';
import { NotifyRepository, type DeliveryChannels, type DeliveryRow, type NotificationRow, type ReadUpTo } from './notify.repository';

export interface NotificationsProjectionOptions {
  /**
   * Only messages this recent when applied get push rows (NOTIFY_DELIVERY_HORIZON_MS, 10 min), and email rows
   * (NOTIFY_EMAIL_HORIZON_MS, 24 h). Replaying history (a rebuild, a new deployment of this projection on an
   * old stream) fills the center without pushing or mailing anyone about last year's messages; email's is
   * longer because after a projector outage a digest of what was missed is still worth sending, a push is not.
   */
  pushHorizonMs: number;
  emailHorizonMs: number;
  /** How long one minute of email delay lasts (60000; tests shorten it). */
  emailDelayMinuteMs?: number;
  now?: () => number;
}

/**
 * The notifications projection (issue 13): decides who is notified of what, in stream order, with the
 * settings as they were at that point of the stream; writes the notification center and the push/email
 * outbox in the batch's transaction, together with its checkpoint (`notify.checkpoint`). It keeps its own
 * copy of what it needs (room members, thread followers, settings) rather than reading the chat read model,
 * which has another checkpoint and may be ahead or behind. Events are applied in stream order (a decision reads
 * what the previous events wrote), consecutive sends together (applySends); its tables are in the `notify`
 * schema, not the versioned read model.
 */
export function notificationsProjection(o: NotificationsProjectionOptions): Projection {
  const now = o.now ?? Date.now;
  // Whether a room is a DM is fixed when it is created: asked of Postgres once per room, not per message.
  const dmRooms = new Map<string, boolean>();
  return {
    name: 'notifications',
    async apply(trx, _schema, events) {
      const repo = new NotifyRepository(trx);
      const batch: BatchState = { dmRooms, readUpTo: [] };
      const deliver = (e: StoredEvent): DeliveryChannels => {
        const age = now() - Date.parse(e.at);
        return { push: age <= o.pushHorizonMs, email: age <= o.emailHorizonMs };
      };
      // Consecutive sends are decided together (applySends): nothing a send writes is read by another send's
      // decision except a thread's followers, which stay in order. Every other event is applied one by one.
      let sends: StoredEvent<'MessageSent'>[] = [];
      for (const e of events) {
        if (e.type === 'MessageSent') {
          sends.push(e as StoredEvent<'MessageSent'>);
          continue;
        }
        await applySends(repo, batch, sends, deliver, o.emailDelayMinuteMs ?? 60_000);
        sends = [];
        await applyOne(repo, batch, e);
      }
      await applySends(repo, batch, sends, deliver, o.emailDelayMinuteMs ?? 60_000);
      await repo.markReadUpTo(batch.readUpTo);
      if (dmRooms.size > 100_000) dmRooms.clear();
    },
  };
}

/**
 * What applying one batch carries from event to event. `readUpTo`: the markers that read notifications
 * (a send reads what notified its sender there before; so does a marker moved by reading), written in one
 * statement after the batch's last event. Deferring them changes nothing: `read` only ever goes from false to
 * true, and a marker at seq m can only read notifications of messages at or before m, which were all inserted
 * by events at or before it; notifications inserted after it in the batch are of later messages. (A marker
 * ahead of its own event, which a ReadMarkersMoved may carry, is applied at once instead.)
 */
interface BatchState {
  readonly dmRooms: Map<string, boolean>;
  readonly readUpTo: ReadUpTo[];
}

async function applyOne(repo: NotifyRepository, batch: BatchState, e: StoredEvent): Promise<void> {
  switch (e.type) {
    case 'UserRegistered':
      return repo.putUser(e.data.userId, e.data.displayName, e.data.email);
    case 'ProfileUpdated':
      if (e.data.displayName !== undefined) await repo.renameUser(e.data.userId, e.data.displayName);
      return;
    case 'EmailChanged':
      // Digests go to the address as it is now, never to the one the person replaced.
      return repo.setEmail(e.data.userId, e.data.email);
    case 'UserDeactivated':
    case 'UserReactivated':
      // A deactivated account gets no push or mail (what was pending is cancelled); its center stays.
      return repo.setActive(e.data.userId, e.type === 'UserReactivated');
    case 'RoomCreated':
      return repo.putRoom(e.data.roomId, e.data.name, false);
    case 'RoomUpdated':
      if (e.data.name !== undefined) await repo.renameRoom(e.data.roomId, e.data.name);
      return;
    case 'DirectMessageStarted':
      return repo.putRoom(e.data.roomId, null, true);
    case 'RoomDeleted':
      return repo.deleteRoom(e.data.roomId);
    case 'MemberJoined':
      return repo.join(e.data.roomId, e.data.userId);
    case 'MemberLeft':
    case 'MemberBanned':
      return repo.leave(e.data.roomId, e.data.userId);
    case 'MessageEdited':
      return repo.editExcerpt(e.data.roomId, e.data.messageSeq, excerptOf(e.data.text));
    case 'MessageDeleted':
      return repo.deleteMessage(e.data.roomId, e.data.messageSeq);
    case 'NotificationSettingsChanged':
      return repo.settings(e.data.userId, e.data);
    case 'RoomNotificationSettingsChanged':
      return repo.roomSettings(e.data.userId, e.data.roomId, e.data.level, e.data.muted);
    case 'ThreadMuteChanged':
      return repo.threadMute(e.data.userId, e.data.roomId, e.data.rootSeq, e.data.muted);
    case 'NotificationsRead':
      return repo.markRead(e.data.userId, e.data.seqs, e.data.upToSeq);
    case 'ReadMarkersMoved':
      // Reading the room (or the thread) on any device reads its notifications: the bell clears and the
      // email digest, which mails only unread ones, leaves them out.
      for (const m of e.data.markers) {
        if (m.seq <= e.seq) batch.readUpTo.push({ userId: e.data.userId, ...m });
        else await repo.markReadUpTo([{ userId: e.data.userId, ...m }]);
      }
      return;
    default:
      return;
  }
}

/**
 * A run of consecutive sends (no other event between them), decided in stream order with a few statements
 * for the whole run instead of several per message: whether each room is a DM (remembered per room), the
 * candidates of every message outside a thread (one statement), and the center's and the outbox's rows
 * (one each). A run changes no membership or setting, so each decision sees what it would see alone. A reply
 * in a thread asks for its followers and mutes itself, after the replies before it followed the thread.
 */
async function applySends(repo: NotifyRepository, batch: BatchState, sends: readonly StoredEvent<'MessageSent'>[], deliver: (e: StoredEvent) => DeliveryChannels, minuteMs: number): Promise<void> {
  if (!sends.length) return;
  const unknown = [...new Set(sends.map((e) => e.data.roomId))].filter((r) => !batch.dmRooms.has(r));
  for (const [roomId, isDm] of await repo.roomsAreDm(unknown)) batch.dmRooms.set(roomId, isDm);
  const isDm = (roomId: string) => batch.dmRooms.get(roomId) ?? false;
  const roomWide = (d: EventDataOf<'MessageSent'>) => isDm(d.roomId) || !!(d.mentions?.room || d.mentions?.here);
  const plain = sends.filter((e) => !e.data.thread);
  const answers = await repo.candidates(plain.map((e) => ({ roomId: e.data.roomId, named: e.data.mentions?.userIds ?? [], everyone: roomWide(e.data), rootSeq: null })));
  const candidatesOf = new Map(plain.map((e, i) => [e, answers[i]]));
  const notifications: NotificationRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const e of sends) {
    const d = e.data;
    let candidates = candidatesOf.get(e);
    if (!candidates) {
      const rootSeq = d.thread!.rootSeq;
      const followers = new Set(await repo.threadFollowers(d.roomId, rootSeq));
      const named = [...(d.mentions?.userIds ?? []), ...followers, d.thread!.rootSenderId];
      [candidates] = await repo.candidates([{ roomId: d.roomId, named, everyone: roomWide(d), rootSeq, followers }]);
      await repo.follow(d.roomId, rootSeq, newFollowers(d));
    }
    const recipients = decideRecipients(d, isDm(d.roomId), candidates);
    const excerpt = excerptOf(d.text);
    const threadRootSeq = d.thread?.rootSeq ?? null;
    for (const r of recipients) notifications.push({ userId: r.userId, kind: r.kind, seq: e.seq, roomId: d.roomId, messageSeq: e.seq, threadRootSeq, actorId: d.senderId, excerpt, at: e.at });
    const channels = deliver(e);
    if (channels.push || channels.email) for (const r of recipients) deliveries.push({ userId: r.userId, seq: e.seq, roomId: d.roomId, at: e.at, channels });
    // Sending reads (as the chat projection moves the sender's markers): what notified the sender there before.
    for (const m of markersMovedBySend(d.roomId, e.seq, d.thread)) batch.readUpTo.push({ userId: d.senderId, ...m });
  }
  await repo.insertNotifications(notifications);
  await repo.insertDeliveries(deliveries, minuteMs);
}
