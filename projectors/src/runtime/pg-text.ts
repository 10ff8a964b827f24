/**
 * Postgres text cannot hold U+0000, which JSON (and so an event) can: such a character becomes U+FFFD, the
 * same way on every replay, instead of failing the batch forever. Every reducer passes event text through it.
 */
export const pgText = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);
