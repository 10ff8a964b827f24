/**
 * Search ranks only a bounded set of candidates: the matches inside a band of seqs below the head (the search
 * checkpoint when the first page was asked for, carried in the cursor so new messages never shift later
 * pages). Band 0 is (head - width, head]; band k is (head - width·4^k, head - width·4^(k-1)]; the last band
 * reaches down to seq 0, so together they cover every message exactly once. Bands are tried newest first and
 * a page goes on into older bands while it has fewer than it needs: a word in 1 % of the messages fills a page
 * from band 0 (~200 matches at the default width) instead of ranking all of its 10,000 matches of a million.
 * Growing by 4 keeps the number of bands (one statement each) logarithmic: 4 cover 1,280,000 seqs at 20,000.
 */
export const BandGrowth = 4;

/** Widths QUERY_API_SEARCH_BAND, and so a cursor, may name: even 1 is at most ~27 bands below 2^53. */
export const BandWidthMin = 1;
export const BandWidthMax = 100_000_000;

export interface Band {
  /** Its place: 0 is the newest. */
  k: number;
  /** Exclusive lower bound (0: the last band, which reaches the first message). */
  lo: number;
  /** Inclusive upper bound. */
  hi: number;
  last: boolean;
}

export function bandBounds(head: number, width: number, k: number): Band {
  const hi = k === 0 ? head : head - width * BandGrowth ** (k - 1);
  const reach = width * BandGrowth ** k;
  const lo = reach >= head ? 0 : head - reach;
  return { k, lo, hi, last: lo === 0 };
}

/** The band holding `seq` (<= head): the smallest k with head - seq < width·4^k. */
export function bandOf(head: number, width: number, seq: number): number {
  let k = 0;
  while (head - seq >= width * BandGrowth ** k) k++;
  return k;
}

/**
 * Matches a statement after the first may be expected to rank. Each statement reads the words' posting lists
 * again and costs a plan and a round trip (~1 ms on a quiet box before any row), so the bands a page still
 * needs after the first are read together as long as the density seen so far predicts no more than this many
 * matches in them: a word nobody wrote, or a rare one, is two statements, whatever the number of bands. ~1,000
 * matches rank in a few milliseconds.
 */
export const CandidateBudget = 1000;

/**
 * The bands the next statement reads, from band k: one; then, when `perSeq` (matches a seq in the bands read
 * so far) is known, as many more as it says hold at most CandidateBudget matches together.
 */
export function bandGroup(head: number, width: number, k: number, perSeq: number | null): Band[] {
  const group = [bandBounds(head, width, k)];
  while (perSeq !== null && !group[group.length - 1].last) {
    const next = bandBounds(head, width, k + group.length);
    if ((group[0].hi - next.lo) * perSeq > CandidateBudget) break;
    group.push(next);
  }
  return group;
}
