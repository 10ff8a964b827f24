import { NatterError, type Attachment } from '@natter/contracts';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { FilesDB, UploadRow, UploadsTable } from './uploads.table';

/** Kysely for files.uploads: quota, recording an upload, claiming files for a message. */
export class UploadsRepository {
  constructor(private readonly db: Kysely<FilesDB>) {}

  /** Bytes of the user's live files (all rooms). */
  async usedBytes(userId: string): Promise<number> {
    const r = await this.db.selectFrom('files.uploads').select(sql<string>`coalesce(sum(size), 0)`.as('used')).where('uploader_id', '=', userId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.used);
  }

  /**
   * Record an upload if the user's live files plus this one stay within `quotaBytes`, else 413
   * quota_exceeded and nothing recorded. Serialized per user (a transaction-scoped advisory lock), so two
   * uploads at once cannot both pass on the same remaining space.
   */
  async recordWithinQuota(row: Insertable<UploadsTable>, quotaBytes: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${'files.quota:' + row.uploader_id}))`.execute(trx);
      const r = await trx.selectFrom('files.uploads').select(sql<string>`coalesce(sum(size), 0)`.as('used')).where('uploader_id', '=', row.uploader_id).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
      if (Number(r.used) + Number(row.size) > quotaBytes) throw new NatterError('quota_exceeded', undefined, { quotaBytes, usedBytes: Number(r.used) });
      await trx.insertInto('files.uploads').values(row).execute();
    });
  }

  /**
   * Claim files for one send (`claim` = `<senderId>:<clientMsgId>`): each must be the sender's upload to this
   * room, live, and unclaimed or claimed by this same send (a retry). Answers them in the order asked, as
   * attachments; any that is not claimable is 404 file_not_found and nothing is claimed.
   */
  async claim(fileIds: readonly string[], roomId: string, uploaderId: string, claim: string): Promise<Attachment[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('files.uploads')
        .set({ claimed_by: claim })
        .where('file_id', 'in', [...fileIds])
        .where('room_id', '=', roomId)
        .where('uploader_id', '=', uploaderId)
        .where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', claim)]))
        .returningAll()
        .execute();
      const byId = new Map(rows.map((r) => [r.file_id, r]));
      const missing = fileIds.filter((id) => !byId.has(id));
      if (missing.length) throw new NatterError('file_not_found', 'No such file of yours in this room, or it is attached to another message.', { fileIds: missing });
      return fileIds.map((id) => toAttachment(byId.get(id)!));
    });
  }

  /** Give claimed files back (the send that claimed them was refused before anything was appended). */
  async release(fileIds: readonly string[], claim: string): Promise<void> {
    await this.db.updateTable('files.uploads').set({ claimed_by: null }).where('file_id', 'in', [...fileIds]).where('claimed_by', '=', claim).execute();
  }
}

export function toAttachment(r: UploadRow): Attachment {
  return {
    fileId: r.file_id, name: r.name, type: r.type, size: Number(r.size),
    ...(r.width && r.height && r.thumb_width && r.thumb_height ? { image: { width: r.width, height: r.height, thumbWidth: r.thumb_width, thumbHeight: r.thumb_height } } : {}),
  };
}
