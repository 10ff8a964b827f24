import { FileLimits, isCleanText } from '@natter/contracts';

/**
 * The name a file is shown and downloaded under: the last path segment of what the client sent, without
 * control characters, at most 255 characters; "file" when nothing is left. Only ever shown as text and sent
 * in Content-Disposition (RFC 6266 encoded), never used as a path.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  const cut = [...clean].slice(0, FileLimits.fileNameChars).join('');
  return cut && isCleanText(cut) ? cut : 'file';
}
