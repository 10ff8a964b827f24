import { describe, expect, it } from 'vitest';
import { hasLink, parseSearchQuery, SearchSyntaxError, snippetSegments } from './query-syntax';

describe('parseSearchQuery', () => {
  it('separates words from filters, in any order', () => {
    const p = parseSearchQuery('in:#General deploy from:@Ada "release notes" has:link is:thread -friday');
    expect(p.words).toBe('deploy "release notes" -friday');
    expect(p.rooms).toEqual(['general']);
    expect(p.from).toEqual(['ada']);
    expect(p.hasLink).toBe(true);
    expect(p.threadOnly).toBe(true);
  });

  it('reads dates as whole UTC days that are left out', () => {
    const p = parseSearchQuery('x before:2026-03-10 after:2026-03-01');
    expect(p.before).toBe('2026-03-10T00:00:00.000Z');
    expect(p.after).toBe('2026-03-02T00:00:00.000Z');
  });

  it('reads the first and last days Postgres can compare with (years 1 to 9999), and refuses year 0', () => {
    // Date.UTC would read 0001 as 1901; JavaScript writes the day after 9999-12-31 as +010000-..., which
    // Postgres refuses: both once answered 500.
    expect(parseSearchQuery('x before:0001-01-01').before).toBe('0001-01-01T00:00:00.000Z');
    expect(parseSearchQuery('x before:0099-06-30').before).toBe('0099-06-30T00:00:00.000Z');
    expect(parseSearchQuery('x after:9999-12-31').after).toBe('10000-01-01T00:00:00.000Z');
    expect(parseSearchQuery('x after:9999-12-31 after:2026-01-01').after).toBe('10000-01-01T00:00:00.000Z');
    expect(parseSearchQuery('x before:2026-01-01 before:0001-01-01').before).toBe('0001-01-01T00:00:00.000Z');
    expect(() => parseSearchQuery('x before:0000-01-01')).toThrow(/YYYY-MM-DD/);
  });

  it('takes several rooms and people as alternatives', () => {
    const p = parseSearchQuery('in:a in:#b from:c from:@d');
    expect(p.rooms).toEqual(['a', 'b']);
    expect(p.from).toEqual(['c', 'd']);
    expect(p.words).toBe('');
  });

  it('refuses bad filter values and empty queries, naming the problem', () => {
    expect(() => parseSearchQuery('x before:yesterday')).toThrow(/YYYY-MM-DD/);
    expect(() => parseSearchQuery('x before:2026-02-30')).toThrow(SearchSyntaxError);
    expect(() => parseSearchQuery('x has:image')).toThrow(/link/);
    expect(() => parseSearchQuery('x is:pinned')).toThrow(/thread/);
    expect(() => parseSearchQuery('from:')).toThrow(/value/);
    expect(() => parseSearchQuery('from:@')).toThrow(/name after @/);
    expect(() => parseSearchQuery('x in:#')).toThrow(/name after #/);
    expect(() => parseSearchQuery('   ')).toThrow(/at least one/);
    expect(() => parseSearchQuery('""')).toThrow(/at least one/);
  });
});

describe('hasLink', () => {
  it('finds http(s) and www links only', () => {
    expect(hasLink('see https://example.com/x')).toBe(true);
    expect(hasLink('see http://a')).toBe(true);
    expect(hasLink('www.example.org is down')).toBe(true);
    expect(hasLink('https:// alone')).toBe(false);
    expect(hasLink('no link here, just www')).toBe(false);
  });
});

describe('snippetSegments', () => {
  it('splits marked snippets into text and hits', () => {
    expect(snippetSegments('the \u0001deploy\u0002 went \u0001fine\u0002')).toEqual([
      { text: 'the ', hit: false },
      { text: 'deploy', hit: true },
      { text: ' went ', hit: false },
      { text: 'fine', hit: true },
    ]);
    expect(snippetSegments('<b>plain</b>')).toEqual([{ text: '<b>plain</b>', hit: false }]);
  });

  it('cuts long texts to a window around the first match, at word boundaries, marking the cuts', () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
    words[120] = '\u0001needle\u0002';
    const segs = snippetSegments(words.join(' '), 100);
    const text = segs.map((s) => s.text).join('');
    expect(segs.find((s) => s.hit)?.text).toBe('needle');
    expect(text.startsWith('…w')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(102);
    expect(text.indexOf('needle')).toBeGreaterThan(10);
    // every word in the window is whole
    for (const w of text.replace(/…/g, '').split(' ')) expect(w).toMatch(/^(w\d+|needle)$/);
  });
});
