/**
 * HTML + text templates for Natter's mail. One layout for every mail (reset, verification, digests): a
 * heading, paragraphs, an optional button with its link, an optional footer (an unsubscribe line). Every
 * value is escaped here, so callers pass plain strings, never markup: a display name such as
 * `<img src=x onerror=...>` arrives as text. Styles are inline because mail clients drop <style> blocks.
 */
export interface MailContent {
  heading: string;
  paragraphs: string[];
  /** A call to action; the text part prints the URL on its own line so it survives plain-text readers. */
  action?: { label: string; url: string };
  /** Smaller text under a rule, e.g. "You received this because..." or an unsubscribe link. */
  footer?: string[];
  /** A footer link, e.g. unsubscribe. */
  footerLink?: { label: string; url: string };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only http(s) links go into an href: a javascript: or data: URL becomes a template error, not a live link. */
function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`mail links must be http(s), got ${u.protocol}`);
  return u.toString();
}

export function renderText(c: MailContent): string {
  const lines = [c.heading, '', ...c.paragraphs.flatMap((p) => [p, ''])];
  if (c.action) lines.push(`${c.action.label}:`, safeUrl(c.action.url), '');
  if (c.footer?.length || c.footerLink) {
    lines.push('--');
    lines.push(...(c.footer ?? []));
    if (c.footerLink) lines.push(`${c.footerLink.label}: ${safeUrl(c.footerLink.url)}`);
  }
  return lines.join('\n').trimEnd() + '\n';
}

export function renderHtml(c: MailContent): string {
  const p = (s: string) => `<p style="margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2328">${escapeHtml(s)}</p>`;
  const action = c.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(safeUrl(c.action.url))}" style="display:inline-block;padding:10px 18px;background:#3b5bdb;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">${escapeHtml(c.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#57606a">Or paste this link into your browser: ${escapeHtml(safeUrl(c.action.url))}</p>`
    : '';
  const footerLines = (c.footer ?? []).map((s) => `<p style="margin:0 0 6px;font-size:12px;color:#6e7781">${escapeHtml(s)}</p>`).join('');
  const footerLink = c.footerLink ? `<p style="margin:0;font-size:12px"><a href="${escapeHtml(safeUrl(c.footerLink.url))}" style="color:#6e7781">${escapeHtml(c.footerLink.label)}</a></p>` : '';
  const footer = footerLines || footerLink ? `<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 12px">${footerLines}${footerLink}` : '';
  return (
    '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>' +
    '<body style="margin:0;padding:24px;background:#f6f8fa;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif">' +
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:8px;padding:24px">' +
    `<h1 style="margin:0 0 16px;font-size:20px;color:#1f2328">${escapeHtml(c.heading)}</h1>` +
    c.paragraphs.map(p).join('') + action + footer +
    '</div></body></html>'
  );
}

/** Both parts of one mail, ready for `MailMessage`. */
export function renderMail(c: MailContent): { text: string; html: string } {
  return { text: renderText(c), html: renderHtml(c) };
}
