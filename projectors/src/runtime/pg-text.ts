/**
 * Postgres text cannot hold U+0000, which JSON (and so an event) can: such a character becomes U+FFFD, the
 * same way on every replay, instead of failing the batch forever. Every reducer passes event text through it.
 */
export const pgText = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);

/** pgText through a JSON value (jsonb refuses `\u0000` in strings too). */
export function pgJson(v: unknown): unknown {
  if (typeof v === 'string') return pgText(v);
  if (Array.isArray(v)) return v.map(pgJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pgJson(x)]));
  return v;
}
