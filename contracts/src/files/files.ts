import { z } from 'zod';
import { Id } from '../ids';
export { FileLimits, FileObjects, FileHeaders, isInlineType } from './file-limits';

/**
 * Files (issue 13): uploaded into the object store bucket `natter_files` by command-api, described in the
 * room's order by the `MessageSent` that carries them (`attachments`), downloaded through query-api by the
 * room's members only. The object names and the headers stored with each object are below, so that every
 * service reads them one way.
 */

/** Image facts made by the image worker (sharp): the stored image's size and its thumbnail's. */
export const ImageInfo = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  thumbWidth: z.number().int().positive(),
  thumbHeight: z.number().int().positive(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

/**
 * A stored file as a message carries it and every read shows it. `type` is what content sniffing found
 * (never the name or the uploader's claim); `image` is set for images (JPEG, PNG, GIF, WebP), which have a
 * thumbnail and had their metadata (EXIF, GPS) removed.
 */
export const Attachment = z.object({
  fileId: Id,
  name: z.string(),
  type: z.string(),
  size: z.number().int().positive(),
  image: ImageInfo.optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const UploadResult = z.object({ file: Attachment });
export type UploadResult = z.infer<typeof UploadResult>;

export const FileParams = z.strictObject({ roomId: Id, fileId: Id });

/** PUT/DELETE /api/me/avatar: the picture's new version (null: removed) and the AvatarChanged event's seq. */
export const AvatarResult = z.object({ avatar: z.string().nullable(), seq: z.number().int() });
export type AvatarResult = z.infer<typeof AvatarResult>;
