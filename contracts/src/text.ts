import { z } from 'zod';

/**
 * Characters no person types and no store should keep: NUL (Postgres `text` refuses it, which turned a
 * `?q=%00` into a 500), the other C0 and C1 controls, DEL and the noncharacters U+FFFE/U+FFFF. Tab, line feed
 * and carriage return are allowed only in multi-line text (messages, topics, bios).
 */
const singleLineBad = /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
const multiLineBad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

/** A lone UTF-16 surrogate cannot be encoded as UTF-8: JSON.parse accepts `"\ud800"`, Postgres does not. */
export function isWellFormedText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

export interface TextOptions {
  /** Minimum length after trimming (default 0). */
  min?: number;
  max: number;
  /** Allow tab, LF and CR (default false). */
  multiline?: boolean;
  /** Trim surrounding whitespace before the length checks (default true for single-line text). */
  trim?: boolean;
  /** Refuse text that is only whitespace (default: when min > 0). */
  notBlank?: boolean;
}

/**
 * Every string a person or program sends (bodies, query strings, path parameters, WS frames) is one of these
 * or a stricter pattern (ids, usernames). The length is counted in UTF-16 code units, like the limits in
 * docs/.
 */
export function Text(o: TextOptions) {
  const trim = o.trim ?? !o.multiline;
  let s = z.string();
  if (trim) s = s.trim();
  // `abort`: a field reports one problem, not a length error and then a content error for the same value.
  if (o.min) s = s.min(o.min, { abort: true });
  s = s.max(o.max, { abort: true });
  const bad = o.multiline ? multiLineBad : singleLineBad;
  const notBlank = o.notBlank ?? (o.min ?? 0) > 0;
  return s.refine((v) => !bad.test(v), { message: o.multiline ? 'must not contain control characters other than tab and newlines' : 'must not contain control characters', abort: true })
    .refine(isWellFormedText, { message: 'must be well-formed Unicode (no lone surrogates)', abort: true })
    .refine((v) => !notBlank || v.trim().length > 0, { message: 'must not be blank', abort: true });
}

/** True when `s` passes the checks every Text applies (for strings validated by hand, e.g. a header). */
export function isCleanText(s: string, multiline = false): boolean {
  return !(multiline ? multiLineBad : singleLineBad).test(s) && isWellFormedText(s);
}
