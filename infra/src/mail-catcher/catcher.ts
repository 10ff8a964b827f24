import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from '../mail/templates';

/**
 * A local mail catcher for development and tests: a real SMTP server (the `smtp-server` package) on a
 * loopback port that accepts every message and keeps it as an .eml file (`<time>-<random>.eml`, written to a
 * temporary name and renamed, so a reader never sees half a mail), plus a small HTTP page listing them
 * (newest first) with each one readable as text. Nothing is relayed anywhere: `npm run up` points command-api
 * at it when no SMTP_URL is configured, so password reset works out of the box.
 */
export interface MailCatcherOptions {
  dir: string;
  smtpPort: number;
  httpPort: number;
  host?: string;
  /** Largest message accepted (bytes). */
  maxBytes?: number;
  log: Logger;
}

export interface RunningMailCatcher {
  smtpPort: number;
  httpPort: number;
  close(): Promise<void>;
}

export async function startMailCatcher(o: MailCatcherOptions): Promise<RunningMailCatcher> {
  const host = o.host ?? '127.0.0.1';
  await mkdir(o.dir, { recursive: true });
  const smtp = new SMTPServer({
    authOptional: true,
    // Loopback only: no TLS to negotiate, any login accepted (a configured SMTP user must not break it).
    disabledCommands: ['STARTTLS'],
    onAuth: (_auth, _session, cb) => cb(null, { user: 'catcher' }),
    size: o.maxBytes ?? 10 * 1024 * 1024,
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(Object.assign(new Error('message too large'), { responseCode: 552 }));
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
        const raw = Buffer.concat(chunks);
        writeFile(join(o.dir, `.${name}.tmp`), raw)
          .then(() => rename(join(o.dir, `.${name}.tmp`), join(o.dir, name)))
          .then(() => {
            o.log.info({ file: name, to: session.envelope.rcptTo.map((r) => r.address), bytes: raw.length }, 'mail caught');
            cb();
          }, (err: Error) => cb(err));
      });
    },
  });
  smtp.on('error', (err) => o.log.warn({ err }, 'smtp error'));
  smtp.listen(o.smtpPort, host);
  await once(smtp.server, 'listening');

  const http = createServer((req, res) => void serve(o.dir, req.url ?? '/').then(
    ({ status, type, body }) => { res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }); res.end(body); },
    (err) => { o.log.warn({ err }, 'mail page failed'); res.writeHead(500).end(); },
  ));
  http.listen(o.httpPort, host);
  await once(http, 'listening');
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (http.address() as AddressInfo).port;
  o.log.info({ smtp: `smtp://${host}:${smtpPort}`, page: `http://${host}:${httpPort}/`, dir: o.dir }, 'mail catcher listening');
  return {
    smtpPort,
    httpPort,
    close: async () => {
      await Promise.all([new Promise<void>((r) => smtp.close(() => r())), closeHttp(http)]);
    },
  };
}

function closeHttp(s: Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((r) => s.close(() => r()));
}

/** The page: `/readyz`, `/` (the list), `/<file>.eml` (one mail: its text part, links as plain text). */
async function serve(dir: string, url: string): Promise<{ status: number; type: string; body: string }> {
  const path = url.split('?')[0];
  if (path === '/readyz') return { status: 200, type: 'text/plain', body: 'ok' };
  if (path === '/') {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort().reverse().slice(0, 200);
    const rows = await Promise.all(files.map(async (f) => {
      const m = await simpleParser(await readFile(join(dir, f)));
      const to = Array.isArray(m.to) ? m.to.map((t) => t.text).join(', ') : m.to?.text ?? '';
      return `<li><a href="/${encodeURIComponent(f)}">${escapeHtml(m.subject ?? '(no subject)')}</a> to ${escapeHtml(to)} <small>${escapeHtml(m.date?.toISOString() ?? '')}</small></li>`;
    }));
    return { status: 200, type: 'text/html; charset=utf-8', body: `<!doctype html><meta charset="utf-8"><title>Natter mail catcher</title><h1>Mail caught locally</h1><p>Files in ${escapeHtml(dir)}</p><ul>${rows.join('') || '<li>none yet</li>'}</ul>` };
  }
  const name = decodeURIComponent(path.slice(1));
  if (!/^[0-9A-Za-z-]+\.eml$/.test(name)) return { status: 404, type: 'text/plain', body: 'not found' };
  const raw = await readFile(join(dir, name)).catch(() => undefined);
  if (!raw) return { status: 404, type: 'text/plain', body: 'not found' };
  const m = await simpleParser(raw);
  const to = Array.isArray(m.to) ? m.to.map((t) => t.text).join(', ') : m.to?.text ?? '';
  // The text part, shown as text: a mail's HTML never runs on this page.
  return { status: 200, type: 'text/plain; charset=utf-8', body: `From: ${m.from?.text ?? ''}\nTo: ${to}\nSubject: ${m.subject ?? ''}\nDate: ${m.date?.toISOString() ?? ''}\n\n${m.text ?? ''}` };
}
