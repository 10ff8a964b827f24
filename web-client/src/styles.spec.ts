import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postcss from 'postcss';
import { describe, expect, it } from 'vitest';

/**
 * Browsers and Vite accept a stylesheet with an unclosed block without a word: every rule after it silently
 * moves inside the open block (once, a lost `}` put every later section under a phone-only media query).
 * A strict parser refuses it.
 */
describe('styles.css', () => {
  it('parses strictly: every block is closed', () => {
    const css = readFileSync(join(__dirname, 'styles.css'), 'utf8');
    const root = postcss.parse(css);
    // Section rules sit at the top level, not inside an earlier @media block.
    const unread = root.nodes.find((n) => n.type === 'rule' && n.selector === '.unread-badge');
    expect(unread, '.unread-badge is a top-level rule').toBeDefined();
  });
});
