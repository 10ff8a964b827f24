import { Emoji, MENTION } from '@natter/contracts/browser';
import type { ReactNode } from 'react';

/**
 * A safe Markdown subset for message text, rendered straight to React elements (never HTML strings, never
 * dangerouslySetInnerHTML): whatever a person writes is text, and the only elements are the ones below.
 *
 * Blocks: paragraphs (line breaks kept), ``` code blocks ```, `> ` quotes, `- `/`* ` and `1. ` lists.
 * Inline: `code`, **bold**, *italic* / _italic_, ~~strike~~, [links](https://…), bare http(s) URLs,
 * :emoji_shortcodes: (contracts' Emoji list), @mentions (highlighted). Links go only to http:, https: and
 * mailto: (anything else, `javascript:` included, stays literal text) and open in a new tab without access
 * to this page. Raw HTML is not a thing here: `<b>` shows as the characters `<b>`.
 */
export interface MarkdownOptions {
  /** How to draw `@name` (usernames are case-insensitive): a mention of me, of someone, or not a mention. */
  mention?: (name: string) => 'me' | 'user' | null;
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL if it is absolute http(s) or mailto; null for anything else (javascript:, data:, relative, broken). */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return SAFE_PROTOCOLS.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

// ---- blocks

const FENCE = /^\s{0,3}```/;
const QUOTE = /^\s{0,3}>\s?/;
const BULLET = /^\s{0,3}[-*+]\s+/;
const ORDERED = /^\s{0,3}\d{1,9}[.)]\s+/;

export function renderMarkdown(text: string, opts: MarkdownOptions = {}): ReactNode[] {
  return blocks(text.split('\n'), opts, 0);
}

function blocks(lines: string[], opts: MarkdownOptions, depth: number): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  const key = () => `b${out.length}`;
  while (i < lines.length) {
    const line = lines[i];
    if (FENCE.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      out.push(
        <pre key={key()} className="md-pre">
          <code>{body.join('\n')}</code>
        </pre>,
      );
    } else if (QUOTE.test(line) && depth < 4) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(lines[i++].replace(QUOTE, ''));
      out.push(<blockquote key={key()}>{blocks(body, opts, depth + 1)}</blockquote>);
    } else if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = ORDERED.test(line);
      const marker = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length && marker.test(lines[i])) items.push(lines[i++].replace(marker, ''));
      const lis = items.map((it, n) => <li key={n}>{inline(it, opts, 0)}</li>);
      out.push(ordered ? <ol key={key()}>{lis}</ol> : <ul key={key()}>{lis}</ul>);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !FENCE.test(lines[i]) && !QUOTE.test(lines[i]) && !BULLET.test(lines[i]) && !ORDERED.test(lines[i])) para.push(lines[i++]);
      out.push(
        <p key={key()}>
          {para.flatMap((l, n) => (n === 0 ? [inline(l, opts, 0)] : [<br key={`br${n}`} />, inline(l, opts, 0)]))}
        </p>,
      );
    }
  }
  return out;
}

// ---- inline: at each position the earliest match of any rule wins (ties: the rule listed first)

interface Rule {
  re: RegExp;
  render(m: RegExpExecArray, opts: MarkdownOptions, depth: number, key: string): ReactNode;
}

const TRAILING = /[.,;:!?)\]}'"]+$/;

const rules: Rule[] = [
  { re: /`([^`\n]+)`/g, render: (m, _o, _d, key) => <code key={key}>{m[1]}</code> },
  {
    re: /\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/g,
    render: (m, o, d, key) => {
      const href = safeHref(m[2]);
      return href ? link(href, inline(m[1], o, d + 1), key) : m[0];
    },
  },
  {
    re: /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi,
    render: (m, _o, _d, key) => {
      const trail = TRAILING.exec(m[0])?.[0] ?? '';
      const url = trail ? m[0].slice(0, -trail.length) : m[0];
      const href = safeHref(url);
      return href ? [link(href, url, key), trail] : m[0];
    },
  },
  { re: /\*\*(?=\S)([^\n]*?\S)\*\*/g, render: (m, o, d, key) => <strong key={key}>{inline(m[1], o, d + 1)}</strong> },
  { re: /~~(?=\S)([^\n]*?\S)~~/g, render: (m, o, d, key) => <del key={key}>{inline(m[1], o, d + 1)}</del> },
  { re: /(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, render: (m, o, d, key) => <em key={key}>{inline(m[1], o, d + 1)}</em> },
  { re: /(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])/g, render: (m, o, d, key) => <em key={key}>{inline(m[1], o, d + 1)}</em> },
  {
    re: /:([a-z0-9_]{1,40}):/g,
    render: (m, _o, _d, key) => {
      const glyph = Object.prototype.hasOwnProperty.call(Emoji, m[1]) ? Emoji[m[1]] : undefined;
      return glyph ? (
        <span key={key} className="emoji" role="img" aria-label={m[1].replace(/_/g, ' ')} title={`:${m[1]}:`}>
          {glyph}
        </span>
      ) : (
        m[0]
      );
    },
  },
  {
    // contracts' MENTION: the pattern the server resolves mentions with
    re: new RegExp(MENTION.source, 'g'),
    render: (m, o, _d, key) => {
      const name = m[1].toLowerCase();
      const kind = name === 'room' || name === 'here' ? 'me' : (o.mention?.(name) ?? null);
      return kind ? (
        <span key={key} className={`mention${kind === 'me' ? ' mention--me' : ''}`}>
          {m[0]}
        </span>
      ) : (
        m[0]
      );
    },
  },
];

function link(href: string, children: ReactNode, key: string): ReactNode {
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

function inline(text: string, opts: MarkdownOptions, depth: number): ReactNode[] {
  if (depth > 4) return [text];
  const out: ReactNode[] = [];
  let pos = 0;
  while (pos < text.length) {
    let best: { m: RegExpExecArray; rule: Rule } | null = null;
    for (const rule of rules) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(text);
      if (m && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) break;
    if (best.m.index > pos) out.push(text.slice(pos, best.m.index));
    out.push(best.rule.render(best.m, opts, depth, `i${depth}-${best.m.index}`));
    pos = best.m.index + best.m[0].length;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}
