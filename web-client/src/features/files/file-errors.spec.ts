import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { describeFileError, uploadRetryable } from './file-errors';

const refused = (code: ConstructorParameters<typeof ApiError>[1], message: string, details?: unknown) => new ApiError(413, code, message, details);

describe('describeFileError', () => {
  it('says why an upload was refused with the limit filled in, not in API terms', () => {
    expect(describeFileError(refused('file_too_large', 'The file is larger than allowed (details.maxBytes).', { maxBytes: 25 * 1024 * 1024 }))).toBe('This file is too large: the limit is 25.0 MB.');
    expect(describeFileError(refused('quota_exceeded', 'Your stored files would pass your quota (details.quotaBytes); delete some first.', { quotaBytes: 100 * 1024 * 1024, usedBytes: 99.5 * 1024 * 1024 }))).toBe(
      'Your files would pass your storage quota (99.5 MB of 100.0 MB used). Delete some of your files first.',
    );
    expect(describeFileError(refused('image_too_large', 'The image has more pixels than allowed (details.maxPixels).', { maxPixels: 50_000_000 }))).toBe('This image is too large: at most 50 megapixels.');
    expect(describeFileError(refused('file_type_mismatch', "The file's content is not what its name or type says (checked by content, not by name)."))).toBe(
      'This file is not what its name or type says (files are checked by their content).',
    );
    expect(describeFileError(refused('file_empty', 'The file is empty.'))).toBe('This file is empty.');
    expect(describeFileError(refused('bad_image', 'The image cannot be decoded.'))).toBe('This image cannot be read (it may be damaged).');
  });

  it('says what a profile picture must be, and never shows a details.* reference', () => {
    expect(describeFileError(refused('file_type_mismatch', 'A picture must be a JPEG, PNG, GIF or WebP image.'), { picture: true })).toBe('A picture must be a JPEG, PNG, GIF or WebP image.');
    // a picture refused for its size says so like any file
    expect(describeFileError(refused('file_too_large', 'x', { maxBytes: 5 * 1024 * 1024 }), { picture: true })).toBe('This file is too large: the limit is 5.0 MB.');
    for (const code of ['file_too_large', 'quota_exceeded', 'image_too_large'] as const) expect(describeFileError(refused(code, 'x (details.maxBytes)'))).not.toMatch(/details\./);
  });

  it('falls back to the general texts for everything else', () => {
    expect(describeFileError(new ApiError(0, 'network', 'fetch failed'))).toBe('Cannot reach the server. Check your connection and try again.');
    expect(describeFileError(new ApiError(503, 'overloaded', 'Overloaded.'))).toBe('The server is busy right now. Please try again in a moment.');
    expect(describeFileError(new Error('boom'))).toBe('Something went wrong. Please try again.');
  });
});

describe('uploadRetryable', () => {
  it('offers Retry when sending the same file again may pass, not when the file itself was refused', () => {
    for (const code of ['file_too_large', 'file_type_mismatch', 'file_empty', 'image_too_large', 'bad_image'] as const) expect(uploadRetryable(refused(code, '')), code).toBe(false);
    for (const code of ['network', 'overloaded', 'rate_limited', 'quota_exceeded', 'unavailable'] as const) expect(uploadRetryable(new ApiError(503, code, '')), code).toBe(true);
    expect(uploadRetryable(new Error('boom'))).toBe(true);
  });
});
