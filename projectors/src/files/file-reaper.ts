import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, EventHeaders, FileObjects, Streams, type EventDataOf, type StoredEvent } from '@natter/contracts';
import { Counter, type FileStore, type Registry } from '@natter/infra/runtime';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';

/** The durable consumer's name (operators: `nats consumer info NATTER_EVENTS natter_file_reaper`). */
export const FILE_REAPER = 'natter_file_reaper';

/**
 * Deleting a message deletes its files: a durable JetStream consumer on `ev.room.*.msg` reacts to each
 * committed `MessageDeleted`, reads the deleted message's `MessageSent` (direct get by its seq) for its
 * attachments, and removes each file and thumbnail from the store, then marks them deleted in
 * files.uploads (which gives the space back to the uploader's quota). It acknowledges only after all that;
 * a failure is redelivered with backoff (explicit ack), and deletes are idempotent, so a crash in between
 * only repeats work. Every projectors instance consumes from the same durable (each message goes to one).
 * The consumer starts at the stream's end when first created: no message deleted earlier can have files.
 *
 * Most of what `ev.room.*.msg` carries is not a deletion: those are acknowledged on their type header alone,
 * without parsing the body. A message that cannot be decoded (or whose deleted message cannot be) is
 * acknowledged with a warning and `natter_file_reaper_undecodable_total`: redelivering it cannot fix it, and a
 * nak would bring it back forever (and hold one of the consumer's ack-pending slots while doing so).
 */
export async function startFileReaper(nc: NatsConnection, db: Kysely<unknown>, store: FileStore, registry: Registry, log: Logger): Promise<{ stop(): Promise<void> }> {
  const removed = new Counter({ name: 'natter_files_reaped_total', help: 'Files removed from the store because their message was deleted.', registers: [registry] });
  const failures = new Counter({ name: 'natter_file_reaper_failures_total', help: 'Deleted messages whose files could not be removed yet (retried).', registers: [registry] });
  const undecodable = new Counter({ name: 'natter_file_reaper_undecodable_total', help: 'Messages the file reaper skipped because they could not be decoded (acknowledged, not retried).', registers: [registry] });
  const jsm = await jetstreamManager(nc);
  await jsm.consumers
    .add(Streams.events, { durable_name: FILE_REAPER, filter_subject: 'ev.room.*.msg', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: 30_000_000_000, max_ack_pending: 64 })
    .catch(async (err) => {
      // Already there (another instance, or a restart): use it as it is.
      if (!(await jsm.consumers.info(Streams.events, FILE_REAPER).catch(() => null))) throw err;
    });
  const consumer = await jetstream(nc).consumers.get(Streams.events, FILE_REAPER);
  const messages = await consumer.consume({ max_messages: 64 });

  /** The event, or null (logged and counted) when it is not one this code can read: skipping is all that can be done. */
  const decodeOrSkip = (seq: number, subject: string, data: Uint8Array, context: string): StoredEvent | null => {
    try {
      return decodeEvent(seq, subject, data);
    } catch (err) {
      undecodable.inc();
      log.warn({ err, seq, subject, context }, 'file reaper: undecodable message skipped (acknowledged)');
      return null;
    }
  };

  const handle = async (m: JsMsg) => {
    // command-api sends every event with its type header (contracts' encodeEvent); a message without one
    // (written by another tool) is decoded to find out.
    const typeHeader = m.headers?.get(EventHeaders.type) ?? '';
    if (typeHeader && typeHeader !== 'MessageDeleted') return;
    const ev = decodeOrSkip(m.seq, m.subject, m.data, 'event');
    if (ev?.type !== 'MessageDeleted') return;
    const d = ev.data as EventDataOf<'MessageDeleted'>;
    const sent = await jsm.direct.getMessage(Streams.events, { seq: d.messageSeq });
    if (!sent) return;
    const original = decodeOrSkip(sent.seq, sent.subject, sent.data, `message deleted at seq ${m.seq}`);
    if (original?.type !== 'MessageSent') return;
    const files = (original.data as EventDataOf<'MessageSent'>).attachments ?? [];
    if (!files.length) return;
    for (const f of files) {
      await store.delete(FileObjects.file(f.fileId));
      await store.delete(FileObjects.thumb(f.fileId));
    }
    await sql`update files.uploads set deleted_at = now() where file_id in (${sql.join(files.map((f) => f.fileId))}) and deleted_at is null`.execute(db);
    removed.inc(files.length);
    log.info({ roomId: d.roomId, messageSeq: d.messageSeq, files: files.map((f) => f.fileId) }, 'files of a deleted message removed');
  };

  const loop = (async () => {
    for await (const m of messages) {
      try {
        await handle(m);
        m.ack();
      } catch (err) {
        failures.inc();
        const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(m.info.deliveryCount, 6));
        log.warn({ err, seq: m.seq, deliveryCount: m.info.deliveryCount, delayMs }, 'could not remove the files of a deleted message; retrying');
        m.nak(delayMs);
      }
    }
  })();
  return {
    stop: async () => {
      await messages.close();
      await loop.catch(() => {});
    },
  };
}
