import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, safeHref } from './markdown';

const html = (text: string, mention?: (n: string) => 'me' | 'user' | null) => {
  const { container } = render(<div>{renderMarkdown(text, { mention })}</div>);
  return container.firstElementChild as HTMLElement;
};

describe('renderMarkdown: a safe subset, as React elements', () => {
  it('draws the subset: bold, italic, strike, code, code blocks, quotes, lists, links, emoji, mentions', () => {
    const el = html('**b** *i* _j_ ~~s~~ `c` :tada: :nope: @bob @room see [docs](https://example.org/a) or https://example.org/b.\n> quoted\n- one\n- two\n1. first\n```\n**not bold** <b>\n```', (n) => (n === 'bob' ? 'user' : null));
    expect(el.querySelector('strong')?.textContent).toBe('b');
    expect([...el.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['i', 'j']);
    expect(el.querySelector('del')?.textContent).toBe('s');
    expect(el.querySelector('p code')?.textContent).toBe('c');
    expect(el.querySelector('.emoji')?.textContent).toBe('🎉');
    expect(el.textContent).toContain(':nope:');
    expect([...el.querySelectorAll('.mention')].map((e) => [e.textContent, e.classList.contains('mention--me')])).toEqual([['@bob', false], ['@room', true]]);
    expect([...el.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')])).toEqual([
      ['docs', 'https://example.org/a', 'noopener noreferrer'],
      ['https://example.org/b', 'https://example.org/b', 'noopener noreferrer'],
    ]);
    expect(el.querySelector('blockquote')?.textContent).toBe('quoted');
    expect([...el.querySelectorAll('ul li')].map((l) => l.textContent)).toEqual(['one', 'two']);
    expect(el.querySelector('ol li')?.textContent).toBe('first');
    expect(el.querySelector('pre code')?.textContent).toBe('**not bold** <b>');
  });

  it('makes no element from HTML and no link to anything but http(s) and mailto', () => {
    const vectors = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](vbscript:msgbox(1))',
      '![i](javascript:alert(1))',
      'javascript:alert(1)',
      '<a href="javascript:alert(1)">a</a>',
      '[**x**](javascript:alert(1)) [y](mailto:someone@example.org)',
    ];
    const el = html(vectors.join('\n'));
    expect(el.querySelectorAll('img, script, iframe, svg').length).toBe(0);
    for (const e of el.querySelectorAll('*')) for (const a of e.attributes) expect(a.name.startsWith('on'), a.name).toBe(false);
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['mailto:someone@example.org']);
    expect(el.textContent).toContain('[x](javascript:alert(1))');
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' https://example.org')).toBe('https://example.org/');
  });
});
