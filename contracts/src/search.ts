/**
 * Case- and accent-insensitive matching for the user directory, in one place so the projector (which stores
 * the folded terms) and query-api (which folds the query) agree: compatibility decomposition (NFKD, so "ﬁ"
 * is "fi" and "Å" is "A" + ring), combining marks dropped, lower-cased. "Zoë Ångström" -> "zoe angstrom".
 */
export function foldForSearch(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Terms per user: slot 0 the username, then the display name's (at most this many slots in all). */
export const SearchTermSlots = 8;

/**
 * The terms a user is found by (a query matches when it is a prefix of one of them): the username, then the
 * display name's: its words joined by one space when it has several (so "ada lov" is one prefix of "ada
 * lovelace", found with one index range), then each word; folded, at most SearchTermSlots in all.
 */
export function searchTerms(username: string, displayName: string): string[] {
  return [foldForSearch(username), ...nameTerms(displayName)].slice(0, SearchTermSlots);
}

/** The display name's terms (slots 1.. of searchTerms). */
export function nameTerms(displayName: string): string[] {
  const words = searchWords(displayName);
  return (words.length > 1 ? [words.join(' '), ...words] : words).slice(0, SearchTermSlots - 1);
}

/** The folded words of a text (a directory query, a display name). */
export function searchWords(text: string): string[] {
  return foldForSearch(text)
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((w) => w.length > 0);
}
