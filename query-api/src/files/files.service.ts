import { FileHeaders, FileObjects, isInlineType, NatterError } from '@natter/contracts';
import type { ByteRange, FileStore, StoredObject } from '@natter/infra/runtime';
import type { Caller } from '../http/auth';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader } from '../read-model/reader';
import { memberRole } from '../rooms/member-access';
import { RoomsRepository } from '../rooms/rooms.repository';
import { noneMatch, parseRange } from './byte-range';

export interface FileDownload {
  object: StoredObject;
  /** The sniffed type the file is served with (thumbnails: their own). */
  type: string;
  name: string;
  inline: boolean;
  range: ByteRange | null;
  body: AsyncIterable<Uint8Array>;
}

/** The caller's copy (its `If-None-Match`) is current: a 304, and the object's bytes are never opened. */
export interface NotModified {
  notModified: StoredObject;
}

/**
 * Downloads, authorized on every request: the caller must be a member of the room now (behind the reader's
 * membership fence, so a removal that has answered is never downloaded around), and the object must belong
 * to that room (the room stored with it). Outsiders get what history gives them (404 room_not_found for a
 * private room, 403 not_member for a public one); a file of another room, a guessed id, a deleted file:
 * 404 file_not_found, all alike.
 */
export class FilesService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly store: FileStore,
    private readonly members = new MembersRepository(),
    private readonly rooms = new RoomsRepository(),
  ) {}

  /**
   * A user's picture: any signed-in user may see it, as they may see profiles (404 not_found: none). The
   * caller is checked (signed in, not deactivated) in the same read as the others are.
   */
  async avatar(caller: Caller, userId: string, ifNoneMatch: string | undefined): Promise<FileDownload | NotModified> {
    await this.reader.read({ callerId: caller.userId }, async () => undefined);
    if (ifNoneMatch !== undefined) {
      const stat = await this.store.stat(FileObjects.userAvatar(userId));
      if (stat && noneMatch(ifNoneMatch, stat.etag)) return { notModified: stat };
    }
    const read = await this.store.read(FileObjects.userAvatar(userId));
    if (!read) throw new NatterError('not_found', 'This user has no picture.');
    return { object: read.object, type: 'image/webp', name: 'avatar.webp', inline: true, range: null, body: read.body };
  }

  async open(caller: Caller, roomId: string, fileId: string, which: 'file' | 'thumb', rangeHeader: string | undefined, ifNoneMatch: string | undefined): Promise<FileDownload | NotModified | { unsatisfiable: number }> {
    await this.reader.read({ callerId: caller.userId, roomId }, (q) => memberRole(q, { members: this.members, rooms: this.rooms }, roomId, caller.userId));
    const key = which === 'file' ? FileObjects.file(fileId) : FileObjects.thumb(fileId);
    const stat = await this.store.stat(key);
    if (!stat || stat.meta[FileHeaders.room] !== roomId) throw new NatterError('file_not_found');
    const parsed = parseRange(rangeHeader, stat.size);
    if (parsed === 'unsatisfiable') return { unsatisfiable: stat.size };
    if (!parsed && noneMatch(ifNoneMatch, stat.etag)) return { notModified: stat };
    const read = await this.store.read(key, parsed?.range);
    if (!read) throw new NatterError('file_not_found'); // deleted between the two calls
    const type = read.object.meta[FileHeaders.type] ?? 'application/octet-stream';
    return { object: read.object, type, name: read.object.meta[FileHeaders.name] ?? 'file', inline: isInlineType(type), range: parsed?.range ?? null, body: read.body };
  }
}
