/**
 * Reads counters from a service's Prometheus text (`GET /metrics`): the bench counts what a scenario made the
 * services do (JetStream requests per send, membership queries per connect) as differences of two scrapes.
 */
export type Counters = Map<string, number>;

/** Every sample of the exposition as `name{labels}` -> value (comments skipped). */
export function parseExposition(text: string): Counters {
  const out: Counters = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    const v = Number(line.slice(i + 1));
    if (Number.isFinite(v)) out.set(line.slice(0, i), v);
  }
  return out;
}

export async function scrape(baseUrl: string): Promise<Counters> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${baseUrl}/metrics: HTTP ${res.status}`);
  return parseExposition(await res.text());
}

/** Sum of the samples of `name` whose labels contain every `label="value"` pair of `where`. */
export function sum(c: Counters, name: string, where: Record<string, string> = {}): number {
  let total = 0;
  for (const [k, v] of c) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    if (Object.entries(where).every(([l, val]) => k.includes(`${l}="${val}"`))) total += v;
  }
  return total;
}

/** `after - before` for the same selection. */
export const delta = (before: Counters, after: Counters, name: string, where: Record<string, string> = {}): number =>
  sum(after, name, where) - sum(before, name, where);
