/** Files: limits, object names and headers. No zod and no Node built-ins: the web client imports these too. */

/** Limits that clients and tests need to know; command-api takes the operator's own from env (FILES_*). */
export const FileLimits = Object.freeze({
  /** One file (bytes). */
  fileMaxBytes: 25 * 1024 * 1024,
  /** What one user may keep stored (bytes, all rooms; deleted files count no more). */
  userQuotaBytes: 1024 * 1024 * 1024,
  /** An image larger than this many pixels is refused before it is decoded (a decompression bomb). */
  imageMaxPixels: 50_000_000,
  /** Thumbnails fit in this square (pixels). */
  thumbMaxPx: 400,
  /** Avatars are stored as this square (pixels). */
  avatarPx: 256,
  /** Attachments on one message. */
  attachmentsPerMessage: 10,
  fileNameChars: 255,
});

/** Objects in the bucket: the file, its thumbnail (images), and avatars. */
export const FileObjects = Object.freeze({
  file: (fileId: string) => `file.${fileId}`,
  thumb: (fileId: string) => `thumb.${fileId}`,
  userAvatar: (userId: string) => `avatar.user.${userId}`,
});

/** Headers stored on each object (object meta), read back by query-api to authorize and serve it. */
export const FileHeaders = Object.freeze({
  room: 'Natter-Room',
  uploader: 'Natter-Uploader',
  type: 'Natter-Content-Type',
  name: 'Natter-File-Name',
});

/** Is this type shown inline by browsers (images, audio, video)? Everything else downloads as an attachment. */
export function isInlineType(type: string): boolean {
  return /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|audio\/(mpeg|ogg|wav))$/.test(type);
}
