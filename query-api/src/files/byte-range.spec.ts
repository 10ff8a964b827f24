import { describe, expect, it } from 'vitest';
import { noneMatch, parseRange } from './byte-range';

describe('parseRange', () => {
  it('reads the forms browsers send for media', () => {
    expect(parseRange('bytes=0-', 100)).toEqual({ range: { start: 0, end: 99 } });
    expect(parseRange('bytes=10-19', 100)).toEqual({ range: { start: 10, end: 19 } });
    expect(parseRange('bytes=90-500', 100)).toEqual({ range: { start: 90, end: 99 } });
    expect(parseRange('bytes=-10', 100)).toEqual({ range: { start: 90, end: 99 } });
  });
  it('refuses what cannot be served and ignores what it does not do', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    // last < first is not a valid range: ignored (the whole file), as RFC 9110 says
    expect(parseRange('bytes=20-10', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeNull();
  });
});

describe('noneMatch (If-None-Match)', () => {
  it('matches the current tag in a list, weakly, or *', () => {
    expect(noneMatch('"abc"', '"abc"')).toBe(true);
    expect(noneMatch('"x", "abc"', '"abc"')).toBe(true);
    expect(noneMatch('W/"abc"', '"abc"')).toBe(true);
    expect(noneMatch('*', '"abc"')).toBe(true);
  });
  it('does not match another tag or no header', () => {
    expect(noneMatch('"x"', '"abc"')).toBe(false);
    expect(noneMatch('"x", W/"y"', '"abc"')).toBe(false);
    expect(noneMatch(undefined, '"abc"')).toBe(false);
  });
});
