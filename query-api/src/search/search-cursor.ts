import { NatterError } from '@natter/contracts';
import { BandWidthMax, BandWidthMin } from './search-bands';
import type { SearchCursor } from './search.repository';

/**
 * `nextCursor`, opaque to clients: base64url of `<head>:<width>:<rank>:<seq>`. head and width fix the bands
 * (search-bands.ts) for every page of the query, so neither new messages nor a query-api with another
 * QUERY_API_SEARCH_BAND moves them; (rank, seq) is the last hit, whose band follows from its seq. The rank is
 * a float4 whose text form reads back to the same value, so the keyset comparison is exact: pages never skip
 * or repeat a hit while the index does not change under them.
 */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(`${c.head}:${c.width}:${c.rank}:${c.seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(s: string): SearchCursor {
  const m = /^(\d{1,16}):(\d{1,9}):(\d+(?:\.\d+)?(?:e-?\d+)?):(\d{1,16})$/i.exec(Buffer.from(s, 'base64url').toString('utf8'));
  const [head, width, rank, seq] = m ? m.slice(1).map(Number) : [NaN, NaN, NaN, NaN];
  const ints = [head, width, seq].every(Number.isSafeInteger);
  if (!m || !ints || width < BandWidthMin || width > BandWidthMax || seq < 1 || seq > head || !isReal(rank)) {
    throw new NatterError('validation_failed', undefined, [{ path: 'cursor', message: 'not a nextCursor of a search' }]);
  }
  return { head, width, rank, seq };
}

/**
 * Whether Postgres takes `rank` as a `real` (float4): a made-up cursor with 1e39 or 1e-50 would otherwise reach
 * the query and fail there ("out of range for type real", a 500). ts_rank's values lie well inside this range.
 */
function isReal(rank: number): boolean {
  const size = Math.abs(rank);
  return Number.isFinite(rank) && (size === 0 || (size >= 1e-37 && size <= 1e37));
}
