import { describe, expect, it } from 'vitest';
import { isWellFormedText, Text } from './text';

describe('Text', () => {
  const line = Text({ min: 1, max: 10 });
  const multi = Text({ min: 1, max: 20, multiline: true });

  it('refuses NUL, other controls, noncharacters and lone surrogates anywhere in the string', () => {
    for (const bad of ['\u0000', 'a\u0000b', 'a\u0007', '\u001b[31m', 'a\u007f', 'a\u0085', '\uffff', 'a\ud800', '\udc00b', 'x\ud800y']) {
      expect(line.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(multi.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('allows tab and newlines only in multi-line text, and keeps multi-line text as written', () => {
    expect(line.safeParse('a\nb').success).toBe(false);
    expect(line.safeParse('a\tb').success).toBe(false);
    expect(multi.parse('  a\n\tb\r\n')).toBe('  a\n\tb\r\n');
  });

  it('trims single-line text, then counts, and refuses blank text when a minimum is set', () => {
    expect(line.parse('  ada  ')).toBe('ada');
    expect(line.safeParse('   ').success).toBe(false);
    expect(multi.safeParse(' \n ').success).toBe(false);
    expect(line.safeParse('x'.repeat(11)).success).toBe(false);
  });

  it('accepts any well-formed Unicode: accents, CJK, emoji made of surrogate pairs and joiners', () => {
    for (const ok of ['Zoë', '東京', '🎉', '👩‍👩‍👧', 'e\u0301']) expect(line.parse(ok)).toBe(ok);
    expect(isWellFormedText('🎉')).toBe(true);
    expect(isWellFormedText('\ud83c')).toBe(false);
  });
});

describe('Text errors', () => {
  it('reports one problem per field', () => {
    const r = Text({ min: 3, max: 10 }).safeParse('\u0000');
    expect(r.success).toBe(false);
    expect(r.error!.issues).toHaveLength(1);
  });
});
