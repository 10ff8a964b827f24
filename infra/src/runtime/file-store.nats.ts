import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { ObjectStores } from '@natter/contracts';
import { sliceBytes, type ByteRange, type FileStore, type StoredObject } from './file-store';

/**
 * FileStore on a JetStream Object Store bucket (`natter_files`, provisioned by infra's provisionAll). Works on
 * nats-server 2.9: the bucket is a plain stream (`OBJ_natter_files`) with chunks of 128 KiB on
 * `$O.natter_files.C.<nuid>` and a rolled-up meta message per name. A failed put purges its partial chunks;
 * a delete purges the chunks and leaves a deleted marker. The object store cannot seek, so a range read
 * streams from the start and drops what comes before the range (cost: the bytes skipped, read from the
 * server's store; fine for media of the sizes allowed, see docs/architecture.md "Files").
 */
export class NatsFileStore implements FileStore {
  private constructor(private readonly os: ObjectStore) {}

  static async open(nc: NatsConnection, bucket: string = ObjectStores.files): Promise<NatsFileStore> {
    return new NatsFileStore(await new Objm(nc).open(bucket));
  }

  async put(key: string, body: AsyncIterable<Uint8Array> | Uint8Array, meta: Record<string, string>): Promise<StoredObject> {
    const info =
      body instanceof Uint8Array
        ? await this.os.putBlob({ name: key, metadata: meta }, body)
        : await this.os.put({ name: key, metadata: meta }, ReadableStream.from(body) as ReadableStream<Uint8Array>);
    return toStored(info);
  }

  async stat(key: string): Promise<StoredObject | null> {
    const info = await this.os.info(key);
    return info && !info.deleted ? toStored(info) : null;
  }

  async read(key: string, range?: ByteRange): Promise<{ object: StoredObject; body: AsyncIterable<Uint8Array> } | null> {
    const r = await this.os.get(key);
    if (!r || r.info.deleted) return null;
    const chunks = streamChunks(r.data, r.error);
    return { object: toStored(r.info), body: range ? sliceBytes(chunks, range) : chunks };
  }

  async delete(key: string): Promise<void> {
    const info = await this.os.info(key);
    if (!info || info.deleted) return;
    await this.os.delete(key);
  }
}

/** The object's chunks; a digest or transport error (the library reports it on `error`) is thrown at the end. */
async function* streamChunks(data: ReadableStream<Uint8Array>, error: Promise<Error | null>): AsyncIterable<Uint8Array> {
  const reader = data.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value?.length) yield value;
    }
    finished = true;
  } finally {
    // Stopped early (a range ended, the client went away): stop the consumer behind the stream.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const err = await error;
  if (err) throw err;
}

function toStored(info: ObjectInfo): StoredObject {
  return { key: info.name, size: info.size, meta: info.metadata ?? {}, etag: `"${info.digest.replace(/^SHA-256=/, '')}"`, modified: info.mtime };
}
