import { FileHeaders, FileObjects, NatterError, newId, Subjects, type Attachment } from '@natter/contracts';
import type { FileStore } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { FileSettings } from '../config';
import { mustBeMember, mustBeWritable, RoomAggregate } from '../rooms/room.aggregate';
import type { AggregateRepository } from '../shared/aggregates';
import type { Caller } from '../shared/caller';
import { cleanFileName } from './file-name';
import type { ImageWorker } from './image-worker';
import type { FilePart } from './multipart';
import { claimMismatch, sniff, SNIFF_BYTES } from './sniff';
import type { UploadsRepository } from './uploads.repository';

/**
 * Upload one file into a room: the caller must be a member of a writable room; the type is what sniffing
 * finds (a name or part type that claims otherwise is 415 file_type_mismatch); empty is 400 file_empty,
 * over the limit 413 file_too_large, over the quota 413 quota_exceeded. Images are re-encoded without
 * metadata and thumbnailed (ImageWorker) before anything is stored; other files stream into the store as
 * they arrive. The answer is the attachment to put in a message (SendMessage `attachments`). Nothing is
 * appended to the event log here: the message that carries the file is the event.
 */
export class UploadFile {
  constructor(
    private readonly deps: { store: FileStore; uploads: UploadsRepository; aggregates: AggregateRepository; images: ImageWorker; settings: FileSettings; log: Logger },
  ) {}

  /** Checks that need no bytes: run before the body is read. */
  async admit(caller: Caller, roomId: string): Promise<void> {
    const { state } = await this.deps.aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
    mustBeMember(state, caller.userId);
    mustBeWritable(state);
    const used = await this.deps.uploads.usedBytes(caller.userId);
    if (used >= this.deps.settings.userQuotaBytes) throw new NatterError('quota_exceeded', undefined, { quotaBytes: this.deps.settings.userQuotaBytes, usedBytes: used });
  }

  async store(caller: Caller, roomId: string, part: FilePart): Promise<Attachment> {
    const { store, uploads, settings } = this.deps;
    const name = cleanFileName(part.name);
    const chunks = part.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head = await readHead(chunks);
    if (head.length === 0) throw new NatterError('file_empty');
    const found = sniff(head);
    const claimed = claimMismatch(name, part.claimedType, found);
    if (claimed) throw new NatterError('file_type_mismatch', undefined, { claimed, found: found.type });

    const fileId = newId();
    const meta = { [FileHeaders.room]: roomId, [FileHeaders.uploader]: caller.userId, [FileHeaders.type]: found.type, [FileHeaders.name]: name };
    const keys = [FileObjects.file(fileId)];
    try {
      let attachment: Attachment;
      if (found.image) {
        const bytes = await readAll(head, chunks, settings.maxBytes);
        const img = await this.deps.images.process(bytes, found.type);
        await store.put(FileObjects.file(fileId), img.data, meta);
        keys.push(FileObjects.thumb(fileId));
        await store.put(FileObjects.thumb(fileId), img.thumb, { ...meta, [FileHeaders.type]: img.thumbType });
        attachment = { fileId, name, type: found.type, size: img.data.length, image: { width: img.width, height: img.height, thumbWidth: img.thumbWidth, thumbHeight: img.thumbHeight } };
      } else {
        const stored = await store.put(FileObjects.file(fileId), limited(head, chunks, settings.maxBytes), meta);
        attachment = { fileId, name, type: found.type, size: stored.size };
      }
      await uploads.recordWithinQuota(
        {
          file_id: fileId, room_id: roomId, uploader_id: caller.userId, name, type: found.type, size: attachment.size,
          width: attachment.image?.width ?? null, height: attachment.image?.height ?? null,
          thumb_width: attachment.image?.thumbWidth ?? null, thumb_height: attachment.image?.thumbHeight ?? null, claimed_by: null, deleted_at: null,
        },
        settings.userQuotaBytes,
      );
      this.deps.log.info({ fileId, roomId, userId: caller.userId, type: found.type, size: attachment.size }, 'file uploaded');
      return attachment;
    } catch (err) {
      // Nothing half-stored: a refused or failed upload leaves no object behind (a failed put purges itself).
      await Promise.all(keys.map((k) => store.delete(k).catch((e) => this.deps.log.warn({ err: e, key: k }, 'could not remove a refused upload'))));
      throw err;
    }
  }
}

async function readHead(chunks: AsyncIterator<Buffer>): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  while (n < SNIFF_BYTES) {
    const { done, value } = await chunks.next();
    if (done) break;
    got.push(value);
    n += value.length;
  }
  return Buffer.concat(got);
}

/** The rest of the file as it arrives, `head` first; past `max` bytes it throws file_too_large (the put then purges). */
async function* limited(head: Buffer, chunks: AsyncIterator<Buffer>, max: number): AsyncIterable<Uint8Array> {
  let n = head.length;
  if (n > max) throw tooLarge(max);
  yield head;
  for (;;) {
    const { done, value } = await chunks.next();
    if (done) return;
    n += value.length;
    if (n > max) throw tooLarge(max);
    yield value;
  }
}

async function readAll(head: Buffer, chunks: AsyncIterator<Buffer>, max: number): Promise<Buffer> {
  const got: Uint8Array[] = [];
  for await (const c of { [Symbol.asyncIterator]: () => limited(head, chunks, max)[Symbol.asyncIterator]() }) got.push(c);
  return Buffer.concat(got);
}

const tooLarge = (max: number) => new NatterError('file_too_large', undefined, { maxBytes: max });
