import { FileObjects } from '@natter/contracts';
import type { FileStore } from '@natter/infra/runtime';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { FilesDB } from './uploads.table';

/**
 * Uploads never attached to a message (the composer was closed, the send never came) are removed after
 * `maxAgeMs` (FILES_UNATTACHED_TTL_S, a day): objects first, then the row is marked deleted, which gives the
 * space back to the uploader's quota. A row claimed by a send meanwhile is left alone (the update re-checks).
 * Safe on several instances at once: deletes are idempotent, and each row is marked by one of them.
 */
export async function sweepUnattached(db: Kysely<FilesDB>, store: FileStore, maxAgeMs: number, log: Logger, batch = 200): Promise<number> {
  const rows = await db
    .selectFrom('files.uploads')
    .select(['file_id'])
    .where('claimed_by', 'is', null)
    .where('deleted_at', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${maxAgeMs / 1000})`)
    .limit(batch)
    .execute();
  let removed = 0;
  for (const { file_id } of rows) {
    const gone = await db.updateTable('files.uploads').set({ deleted_at: sql`now()` }).where('file_id', '=', file_id).where('claimed_by', 'is', null).where('deleted_at', 'is', null).executeTakeFirst();
    if (Number(gone.numUpdatedRows) === 0) continue; // claimed (or swept) meanwhile
    await store.delete(FileObjects.file(file_id));
    await store.delete(FileObjects.thumb(file_id));
    removed++;
  }
  if (removed) log.info({ removed }, 'unattached uploads removed');
  return removed;
}
