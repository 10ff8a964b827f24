import type { Generated, Selectable } from 'kysely';

/** files.uploads (infra/migrations/command/008_files.sql): command-side, never part of the event log. */
export interface UploadsTable {
  file_id: string;
  room_id: string;
  uploader_id: string;
  name: string;
  type: string;
  size: number | string; // bigint comes back as a string from pg
  width: number | null;
  height: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  claimed_by: string | null;
  created_at: Generated<Date>;
  deleted_at: Date | null;
}
export type UploadRow = Selectable<UploadsTable>;

export interface FilesDB {
  'files.uploads': UploadsTable;
}
