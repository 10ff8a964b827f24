/**
 * Content sniffing: what a file is, from its first bytes, never from its name or the uploader's claim. Only
 * the formats below are recognised; anything else is `application/octet-stream` and is only ever downloaded
 * (Content-Disposition: attachment), so an HTML or SVG file cannot become a page on the app's origin.
 */
export interface Sniffed {
  type: string;
  /** An image the image worker re-encodes and thumbnails. */
  image: boolean;
}

/** Bytes the sniffer looks at. */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, at: number, s: string) => s.split('').every((c, i) => b[at + i] === c.charCodeAt(0));

export function sniff(head: Uint8Array): Sniffed {
  const b = head;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return { type: 'image/png', image: true };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { type: 'image/jpeg', image: true };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { type: 'image/gif', image: true };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { type: 'image/webp', image: true };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { type: 'audio/wav', image: false };
  if (ascii(b, 0, '%PDF-')) return { type: 'application/pdf', image: false };
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return { type: 'application/zip', image: false };
  if (ascii(b, 4, 'ftyp')) return { type: 'video/mp4', image: false };
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { type: 'video/webm', image: false };
  if (ascii(b, 0, 'OggS')) return { type: 'audio/ogg', image: false };
  if (ascii(b, 0, 'ID3') || (b[0] === 0xff && b.length > 1 && (b[1] & 0xe0) === 0xe0)) return { type: 'audio/mpeg', image: false };
  return { type: 'application/octet-stream', image: false };
}

/** What a name's extension claims, for the types sniffing can verify; undefined: no checkable claim. */
const byExtension: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf',
  zip: 'application/zip', mp4: 'video/mp4', m4v: 'video/mp4', webm: 'video/webm', ogg: 'audio/ogg', oga: 'audio/ogg',
  mp3: 'audio/mpeg', wav: 'audio/wav',
};
const checkable = new Set(Object.values(byExtension));

/**
 * The claims (the file name's extension, the part's Content-Type) that sniffing can check and that disagree
 * with what was found: a `.png` that is really HTML is refused (415 file_type_mismatch) rather than stored
 * under a name that lies.
 */
export function claimMismatch(name: string, partType: string | undefined, found: Sniffed): string | undefined {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const claims = [ext ? byExtension[ext] : undefined, partType?.split(';')[0]?.trim().toLowerCase()];
  return claims.find((c) => c !== undefined && checkable.has(c) && c !== found.type);
}
