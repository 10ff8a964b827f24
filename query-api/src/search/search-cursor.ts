import { NatterError } from '@natter/contracts';
import type { SearchCursor } from './search.repository';

/**
 * `nextCursor`: the last hit's (rank, seq), opaque to clients (base64url of `<rank>:<seq>`). The rank is a
 * float4 whose text form reads back to the same value, so the keyset comparison is exact: pages never skip or
 * repeat a hit while the index does not change under them.
 */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(`${c.rank}:${c.seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(s: string): SearchCursor {
  const m = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?):(\d{1,16})$/i.exec(Buffer.from(s, 'base64url').toString('utf8'));
  const rank = m ? Number(m[1]) : NaN;
  const seq = m ? Number(m[2]) : NaN;
  if (!m || !isReal(rank) || !Number.isSafeInteger(seq)) {
    throw new NatterError('validation_failed', undefined, [{ path: 'cursor', message: 'not a nextCursor of a search' }]);
  }
  return { rank, seq };
}

/**
 * Whether Postgres takes `rank` as a `real` (float4): a made-up cursor with 1e39 or 1e-50 would otherwise reach
 * the query and fail there ("out of range for type real", a 500). ts_rank's values lie well inside this range.
 */
function isReal(rank: number): boolean {
  const size = Math.abs(rank);
  return Number.isFinite(rank) && (size === 0 || (size >= 1e-37 && size <= 1e37));
}
