import { FileHeaders, FileLimits, FileObjects, NatterError, Subjects } from '@natter/contracts';
import type { FileStore } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import { UserAggregate } from '../accounts/user.aggregate';
import type { AggregateRepository } from '../shared/aggregates';
import type { Caller } from '../shared/caller';
import type { ImageWorker } from './image-worker';
import type { FilePart } from './multipart';
import { sniff, SNIFF_BYTES } from './sniff';

export interface AvatarResult {
  /** The picture's version (null: removed); it changes whenever the picture does. */
  avatar: string | null;
  seq: number;
}

/**
 * Users' pictures (issue 13). The upload must be an image (sniffed, 415 file_type_mismatch otherwise); the image
 * worker makes a square WebP of FileLimits.avatarPx without metadata, stored as `avatar.user.<id>` (replacing
 * the last one), then `AvatarChanged` is appended to the user's aggregate with the new version, so every read
 * model and client learns it from the log. Removing appends `AvatarChanged` with null and deletes the object.
 */
export class UserAvatars {
  constructor(private readonly deps: { store: FileStore; aggregates: AggregateRepository; images: ImageWorker; maxBytes: number; log: Logger }) {}

  async set(caller: Caller, part: FilePart): Promise<AvatarResult> {
    const bytes = await readUpTo(part, this.deps.maxBytes);
    if (bytes.length === 0) throw new NatterError('file_empty');
    const found = sniff(bytes.subarray(0, SNIFF_BYTES));
    if (!found.image) throw new NatterError('file_type_mismatch', 'A picture must be a JPEG, PNG, GIF or WebP image.', { found: found.type });
    const webp = await this.deps.images.avatar(bytes, FileLimits.avatarPx);
    const stored = await this.deps.store.put(FileObjects.userAvatar(caller.userId), webp, { [FileHeaders.type]: 'image/webp', [FileHeaders.uploader]: caller.userId, [FileHeaders.name]: 'avatar.webp' });
    const version = stored.etag.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16);
    return this.record(caller, version);
  }

  async remove(caller: Caller): Promise<AvatarResult> {
    const result = await this.record(caller, null);
    await this.deps.store.delete(FileObjects.userAvatar(caller.userId));
    return result;
  }

  private record(caller: Caller, avatar: string | null): Promise<AvatarResult> {
    const { userId } = caller;
    return this.deps.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
      if (!state.exists) throw new NatterError('user_not_found');
      if (state.deactivated) throw new NatterError('user_deactivated');
      return { events: [{ type: 'AvatarChanged', data: { userId, avatar } }], reply: (after) => ({ avatar, seq: after.version }) };
    });
  }
}

async function readUpTo(part: FilePart, max: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  for await (const chunk of part.stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) throw new NatterError('file_too_large', undefined, { maxBytes: max });
    got.push(chunk);
  }
  return Buffer.concat(got);
}
