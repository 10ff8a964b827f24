import { ApiError, describeError } from '../../api/errors';
import { formatBytes } from './format-bytes';

const detail = (e: ApiError, key: string): number | undefined => {
  const v = (e.details as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : undefined;
};

/**
 * Text for a person whose upload (a file for a message, or with `picture` a profile picture) was refused: the
 * server's error codes say why in API terms (`details.maxBytes`), this says it with the limit filled in. Other
 * errors: describeError.
 */
export function describeFileError(e: unknown, opts: { picture?: boolean } = {}): string {
  if (!(e instanceof ApiError)) return describeError(e);
  switch (e.code) {
    case 'file_empty':
      return 'This file is empty.';
    case 'file_too_large': {
      const max = detail(e, 'maxBytes');
      return max === undefined ? 'This file is too large.' : `This file is too large: the limit is ${formatBytes(max)}.`;
    }
    case 'quota_exceeded': {
      const quota = detail(e, 'quotaBytes');
      const used = detail(e, 'usedBytes');
      const of = quota === undefined ? '' : used === undefined ? ` (${formatBytes(quota)})` : ` (${formatBytes(used)} of ${formatBytes(quota)} used)`;
      return `Your files would pass your storage quota${of}. Delete some of your files first.`;
    }
    case 'file_type_mismatch':
      return opts.picture ? 'A picture must be a JPEG, PNG, GIF or WebP image.' : 'This file is not what its name or type says (files are checked by their content).';
    case 'image_too_large': {
      const max = detail(e, 'maxPixels');
      return max === undefined ? 'This image is too large.' : `This image is too large: at most ${Math.floor(max / 1_000_000)} megapixels.`;
    }
    case 'bad_image':
      return 'This image cannot be read (it may be damaged).';
    default:
      return describeError(e);
  }
}

/** The same file sent again cannot pass these: the upload offers Remove, not Retry. */
const FINAL = new Set(['file_empty', 'file_too_large', 'file_type_mismatch', 'image_too_large', 'bad_image', 'validation_failed', 'unsupported_media_type']);

/** Whether sending the same file again may work (network, busy server, limits that pass, a quota freed meanwhile). */
export function uploadRetryable(e: unknown): boolean {
  return !(e instanceof ApiError && FINAL.has(e.code));
}
