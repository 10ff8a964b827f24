/**
 * An integer setting from the environment: `fallback` when unset or blank, otherwise decimal digits for an
 * integer in [min, max] or start-up fails with a message naming the variable (every service's config uses
 * it). Stricter than Number(): " " would be 0 and "1e3" 1000.
 */
export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(env[name])}`);
  return n;
}
