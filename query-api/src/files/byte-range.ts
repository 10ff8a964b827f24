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
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { range: { start, end } };
}
