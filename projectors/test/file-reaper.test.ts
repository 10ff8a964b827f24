import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import { EventHeaders, FileObjects, Streams, Subjects } from '@natter/contracts';
import { createMetricsRegistry, NatsFileStore } from '@natter/infra/runtime';
import { waitFor } from '@natter/infra/testing';
import { FILE_REAPER, startFileReaper } from '../src/files/file-reaper';
import { append, silent, startEnv, type Env } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

describe('file reaper', () => {
  it('acknowledges what it cannot decode (no redelivery) and still removes the files of the next deletion', async () => {
    const store = await NatsFileStore.open(env.nc);
    const registry = createMetricsRegistry();
    const reaper = await startFileReaper(env.nc, env.db as unknown as Kysely<unknown>, store, registry, silent);
    try {
      const room = 'r1';
      const fileId = 'f1';
      await store.put(FileObjects.file(fileId), new TextEncoder().encode('bytes'), {});
      await sql`insert into files.uploads (file_id, room_id, uploader_id, name, type, size, claimed_by) values (${fileId}, ${room}, 'u1', 'a.txt', 'text/plain', 5, 'u1:c1')`.execute(env.db);

      // Two messages no retry can fix: a body that is not an event at all (no headers), and one whose type
      // header says MessageDeleted (so it passes the header filter) with a body that is not valid JSON.
      await env.js.publish(Subjects.roomMsg(room), new TextEncoder().encode('not an event'));
      const h = headers();
      h.set(EventHeaders.type, 'MessageDeleted');
      h.set(EventHeaders.version, '1');
      await env.js.publish(Subjects.roomMsg(room), new TextEncoder().encode('{"truncated'), { headers: h });

      const sentSeq = await append(env.js, Subjects.roomMsg(room), {
        type: 'MessageSent',
        data: { roomId: room, messageId: 'm1', senderId: 'u1', clientMsgId: 'c1', text: 'a file', attachments: [{ fileId, name: 'a.txt', type: 'text/plain', size: 5 }] },
      }, 'u1');
      await append(env.js, Subjects.roomMsg(room), { type: 'MessageDeleted', data: { roomId: room, messageSeq: sentSeq, deletedBy: 'u1' } }, 'u1');

      await waitFor('the file removed', async () => (await store.stat(FileObjects.file(fileId))) === null, 10_000, 50);
      await waitFor('the upload marked deleted', async () => {
        const r = await sql<{ deleted_at: Date | null }>`select deleted_at from files.uploads where file_id = ${fileId}`.execute(env.db);
        return r.rows[0]?.deleted_at != null;
      }, 10_000, 50);

      // Every message acknowledged; nothing redelivered (the undecodable ones would come back after a nak).
      const jsm = await jetstreamManager(env.nc);
      await waitFor('all acknowledged', async () => (await jsm.consumers.info(Streams.events, FILE_REAPER)).num_ack_pending === 0, 5000, 50);
      await new Promise((r) => setTimeout(r, 2500)); // past the first nak's backoff (2 s)
      const info = await jsm.consumers.info(Streams.events, FILE_REAPER);
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_redelivered).toBe(0);
      expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);

      const metrics = await registry.metrics();
      expect(metrics).toMatch(/^natter_file_reaper_undecodable_total 2$/m);
      expect(metrics).toMatch(/^natter_files_reaped_total 1$/m);
    } finally {
      await reaper.stop();
    }
  });
});
