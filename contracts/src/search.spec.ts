import { describe, expect, it } from 'vitest';
import { foldForSearch, searchTerms, searchWords } from './search';

describe('directory search folding', () => {
  it('ignores case and accents, and splits display names into words', () => {
    expect(foldForSearch('Zoë Ångström')).toBe('zoe angstrom');
    expect(foldForSearch('ÉLODIE')).toBe('elodie');
    expect(searchTerms('Ada_L', 'Ada  Lovelace-Byron')).toEqual(['ada_l', 'ada lovelace byron', 'ada', 'lovelace', 'byron']);
    expect(searchTerms('zoe', 'Zoë')).toEqual(['zoe', 'zoe']);
    expect(searchWords('  José  ')).toEqual(['jose']);
  });

  it('keeps at most eight terms', () => {
    expect(searchTerms('u', 'a b c d e f g h i j')).toHaveLength(8);
  });
});
