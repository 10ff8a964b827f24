/**
 * The message search syntax (issue 12), parsed the same way by query-api and described in the OpenAPI
 * document and docs/architecture.md ("Search"). A query is words plus filters, in any order:
 *
 * - words: full-text, stemmed (english): `deploy` also finds "deployed". `"exact phrase"`, `-word` (without),
 *   `a OR b` (Postgres `websearch_to_tsquery`).
 * - `in:#room` (or `in:room`): only that room, by name, among the rooms you are in. Repeat for several (any of).
 * - `from:@user` (or `from:user`): only messages sent by that username. Repeat for several (any of).
 * - `before:YYYY-MM-DD`: sent before that day (UTC); `after:YYYY-MM-DD`: sent after that day (UTC). Both
 *   leave the named day out.
 * - `has:link`: only messages with a link (http://, https:// or www.).
 * - `is:thread`: only replies in threads.
 *
 * A filter with a bad value (`before:yesterday`, `has:image`) is a validation error naming it, never a
 * silently different search. A query must have at least one word or filter.
 */

export interface ParsedSearchQuery {
  /** The words, as written (for websearch_to_tsquery); '' when the query is filters only. */
  words: string;
  /** Room names (folded to lower case, without '#'). */
  rooms: string[];
  /** Usernames (lower case, without '@'). */
  from: string[];
  /** ISO instants: sentAt < before, sentAt >= after. */
  before: string | null;
  after: string | null;
  hasLink: boolean;
  threadOnly: boolean;
}

export class SearchSyntaxError extends Error {
  constructor(readonly token: string, message: string) {
    super(message);
    this.name = 'SearchSyntaxError';
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayStart(token: string, value: string): Date {
  const m = DAY.exec(value);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999. Year 0000 does not exist in Postgres.
  const d = new Date(0);
  if (m) d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!m || Number(m[1]) < 1 || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new SearchSyntaxError(token, `${token.split(':')[0]}: takes a date as YYYY-MM-DD (got "${value}")`);
  }
  return d;
}

/** A room or user name of a filter, lower-cased; `in:#` or `from:@` alone names nothing and is refused. */
function named(token: string, op: string, name: string): string {
  if (name === '') throw new SearchSyntaxError(token, `${op}: needs a name after ${op === 'in' ? '#' : '@'}`);
  return name.toLowerCase();
}

/** An ISO instant Postgres reads: past year 9999 JavaScript writes `+010000-...`, which Postgres refuses. */
function instant(d: Date): string {
  return d.toISOString().replace(/^\+0*/, '');
}

/** Splits on whitespace, keeping "quoted phrases" (with their quotes) as one token. */
function tokens(q: string): string[] {
  return q.match(/-?"[^"]*"?|\S+/g) ?? [];
}

export function parseSearchQuery(q: string): ParsedSearchQuery {
  const out: ParsedSearchQuery = { words: '', rooms: [], from: [], before: null, after: null, hasLink: false, threadOnly: false };
  const words: string[] = [];
  let beforeMs: number | null = null;
  let afterMs: number | null = null;
  for (const t of tokens(q)) {
    const m = /^(in|from|before|after|has|is):(.*)$/i.exec(t);
    if (!m) {
      words.push(t);
      continue;
    }
    const op = m[1].toLowerCase();
    const value = m[2];
    if (value === '') throw new SearchSyntaxError(t, `${op}: needs a value`);
    switch (op) {
      case 'in':
        out.rooms.push(named(t, op, value.replace(/^#/, '')));
        break;
      case 'from':
        out.from.push(named(t, op, value.replace(/^@/, '')));
        break;
      case 'before': {
        const d = dayStart(t, value);
        if (beforeMs === null || d.getTime() < beforeMs) [beforeMs, out.before] = [d.getTime(), instant(d)];
        break;
      }
      case 'after': {
        const d = dayStart(t, value);
        d.setUTCDate(d.getUTCDate() + 1);
        if (afterMs === null || d.getTime() > afterMs) [afterMs, out.after] = [d.getTime(), instant(d)];
        break;
      }
      case 'has':
        if (value.toLowerCase() !== 'link') throw new SearchSyntaxError(t, `has: knows "link" only (got "${value}")`);
        out.hasLink = true;
        break;
      case 'is':
        if (value.toLowerCase() !== 'thread') throw new SearchSyntaxError(t, `is: knows "thread" only (got "${value}")`);
        out.threadOnly = true;
        break;
    }
  }
  out.words = words.join(' ');
  const hasFilter = out.rooms.length || out.from.length || out.before || out.after || out.hasLink || out.threadOnly;
  if (!out.words.replace(/["\-]/g, '').trim() && !hasFilter) throw new SearchSyntaxError(q, 'search for at least one word or filter');
  return out;
}

const LINK = /\bhttps?:\/\/\S|\bwww\.[^\s.]+\.\S/i;

/** Whether a message text has a link (`has:link`): the projector stores it, so the rule lives here. */
export function hasLink(text: string): boolean {
  return LINK.test(text);
}

/**
 * Highlight markers around matched words in a snippet as Postgres builds it (ts_headline's StartSel/StopSel).
 * Message text cannot contain control characters (contracts' Text), so these never occur in it and the
 * snippet can be split into plain segments: clients render text, never markup.
 */
export const HighlightStart = '\u0001';
export const HighlightStop = '\u0002';

/**
 * A message's text with markers around its matched words (Postgres ts_headline with HighlightAll, which keeps
 * the text as written: its fragment mode drops anything that looks like an HTML tag) as segments, cut to a
 * window of about `maxChars` around the first match, with "…" where text was left out. `hit` marks matches.
 */
export function snippetSegments(marked: string, maxChars = 240): { text: string; hit: boolean }[] {
  const all: { text: string; hit: boolean }[] = [];
  let hit = false;
  for (const part of marked.split(/([\u0001\u0002])/)) {
    if (part === HighlightStart) hit = true;
    else if (part === HighlightStop) hit = false;
    else if (part) {
      const last = all[all.length - 1];
      if (last && last.hit === hit) last.text += part;
      else all.push({ text: part, hit });
    }
  }
  const total = all.reduce((n, s) => n + s.text.length, 0);
  if (total <= maxChars) return all;
  // Window: start a little before the first hit (at a word boundary), end maxChars later (at a word boundary).
  let firstHit = 0;
  for (const s of all) {
    if (s.hit) break;
    firstHit += s.text.length;
  }
  let start = Math.max(0, Math.min(firstHit - Math.floor(maxChars / 4), total - maxChars));
  const flat = all.map((s) => s.text).join('');
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space !== -1 && space < firstHit) start = space + 1;
  }
  let end = Math.min(total, start + maxChars);
  if (end < total) {
    const space = flat.lastIndexOf(' ', end);
    if (space > firstHit) end = space;
  }
  const out: { text: string; hit: boolean }[] = start > 0 ? [{ text: '…', hit: false }] : [];
  let at = 0;
  for (const s of all) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + s.text.length);
    if (to > from) {
      const text = s.text.slice(from - at, to - at);
      const last = out[out.length - 1];
      if (last && last.hit === s.hit) last.text += text;
      else out.push({ text, hit: s.hit });
    }
    at += s.text.length;
  }
  if (end < total) {
    const last = out[out.length - 1];
    if (last && !last.hit) last.text += '…';
    else out.push({ text: '…', hit: false });
  }
  return out;
}
