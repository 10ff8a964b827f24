/**
 * Where uploaded bytes live. Services talk to this interface only: the embedded default is a NATS JetStream
 * Object Store bucket (`file-store.nats.ts`); an S3 driver can sit beside it with the same four operations.
 *
 * Keys are contracts' `FileObjects` names (`file.<id>`, `thumb.<id>`, `avatar.user.<id>`); `meta` is a small
 * string map stored with the object (contracts' `FileHeaders`: room, uploader, sniffed type, name), which is
 * what download authorization reads back, so the object alone says who may have it.
 */
export interface StoredObject {
  key: string;
  size: number;
  meta: Readonly<Record<string, string>>;
  /** A strong validator of the content (the store's digest), usable as an HTTP ETag. */
  etag: string;
  modified: string;
}

/** Bytes `start` to `end`, both inclusive (HTTP's byte-range convention). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface FileStore {
  /**
   * Store `body` under `key` (replacing what was there). If `body` throws (a limit passed, the client went
   * away) the put rejects with that error and nothing of it stays stored.
   */
  put(key: string, body: AsyncIterable<Uint8Array> | Uint8Array, meta: Record<string, string>): Promise<StoredObject>;
  /** What is stored under `key`, or null. */
  stat(key: string): Promise<StoredObject | null>;
  /** The object's bytes (or only `range` of them), or null when there is no such object. */
  read(key: string, range?: ByteRange): Promise<{ object: StoredObject; body: AsyncIterable<Uint8Array> } | null>;
  /** Remove the object; removing one that is not there is fine (deletes are retried). */
  delete(key: string): Promise<void>;
}

/** Yield only bytes [range.start, range.end] of a stream of chunks (for stores that cannot seek). */
export async function* sliceBytes(chunks: AsyncIterable<Uint8Array>, range: ByteRange): AsyncIterable<Uint8Array> {
  let pos = 0;
  for await (const chunk of chunks) {
    const from = Math.max(range.start - pos, 0);
    const to = Math.min(range.end + 1 - pos, chunk.length);
    pos += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    if (pos > range.end) return;
  }
}
