import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, FileObjects, Streams, type EventDataOf } from '@natter/contracts';
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
 */
export async function startFileReaper(nc: NatsConnection, db: Kysely<unknown>, store: FileStore, registry: Registry, log: Logger): Promise<{ stop(): Promise<void> }> {
  const removed = new Counter({ name: 'natter_files_reaped_total', help: 'Files removed from the store because their message was deleted.', registers: [registry] });
  const failures = new Counter({ name: 'natter_file_reaper_failures_total', help: 'Deleted messages whose files could not be removed yet (retried).', registers: [registry] });
  const jsm = await jetstreamManager(nc);
  await jsm.consumers
    .add(Streams.events, { durable_name: FILE_REAPER, filter_subject: 'ev.room.*.msg', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: 30_000_000_000, max_ack_pending: 64 })
    .catch(async (err) => {
      // Already there (another instance, or a restart): use it as it is.
      if (!(await jsm.consumers.info(Streams.events, FILE_REAPER).catch(() => null))) throw err;
    });
  const consumer = await jetstream(nc).consumers.get(Streams.events, FILE_REAPER);
  const messages = await consumer.consume({ max_messages: 64 });

  const handle = async (m: JsMsg) => {
    const ev = decodeEvent(m.seq, m.subject, m.data);
    if (ev.type !== 'MessageDeleted') return;
    const d = ev.data as EventDataOf<'MessageDeleted'>;
    const sent = await jsm.direct.getMessage(Streams.events, { seq: d.messageSeq });
    if (!sent) return;
    const original = decodeEvent(sent.seq, sent.subject, sent.data);
    if (original.type !== 'MessageSent') return;
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
