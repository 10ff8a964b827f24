import type { ByteRange } from '@natter/infra/runtime';

/**
 * One range of a `Range: bytes=...` header (RFC 9110 14.1.2) over a file of `size` bytes: `{range}`, or
 * `unsatisfiable` (416), or null to answer the whole file (no header, a form we do not serve such as several
 * ranges, or a unit other than bytes: the RFC lets a server ignore those).
 */
export function parseRange(header: string | undefined, size: number): { range: ByteRange } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  // `bytes=10-5` is not a valid range (last < first): the RFC says to ignore the header, not to answer 416.
  if (m[2] !== '' && Number(m[2]) < start) return null;
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return { range: { start, end } };
}

/**
 * Whether `If-None-Match` names the current copy (RFC 9110 13.1.2): `*`, or any entry of its list, compared
 * weakly (a `W/` prefix on either side is ignored), as the RFC asks for this header.
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}
