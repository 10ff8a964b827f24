/**
 * Case- and accent-insensitive matching for the user directory, in one place so the projector (which stores
 * the folded terms) and query-api (which folds the query) agree: compatibility decomposition (NFKD, so "ﬁ"
 * is "fi" and "Å" is "A" + ring), combining marks dropped, lower-cased. "Zoë Ångström" -> "zoe angstrom".
 */
export function foldForSearch(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Terms per user: slot 0 the username, then the display name's words (at most this many slots in all). */
export const SearchTermSlots = 8;

/**
 * The words a user is found by (a query word matches when it is a prefix of one of them): the username, then
 * each word of the display name, folded; at most SearchTermSlots, empty words dropped.
 */
export function searchTerms(username: string, displayName: string): string[] {
  return [foldForSearch(username), ...searchWords(displayName)].slice(0, SearchTermSlots);
}

/** The folded words of a text (a directory query, a display name). */
export function searchWords(text: string): string[] {
  return foldForSearch(text)
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((w) => w.length > 0);
}
