import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { spawnTied, stopChild } from '../provision/child-process';

/** One mail the catcher received, parsed by mailparser as a mail client would. */
export interface CaughtMail {
  file: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every http(s) URL in the text part, in order. */
  links: string[];
  headers: Map<string, unknown>;
}

export interface MailCatcherProcess {
  /** What to give a service as SMTP_URL. */
  smtpUrl: string;
  /** The catcher's page (`/`: the list; `/<file>`: one mail as text). */
  pageUrl: string;
  dir: string;
  proc: ChildProcess;
  /** Every mail received so far, oldest first. */
  mails(): Promise<CaughtMail[]>;
  /** The first mail (received after `after` mails, if given) that `match` accepts; rejects after `timeoutMs`. */
  waitForMail(match: (m: CaughtMail) => boolean, opts?: { timeoutMs?: number; after?: number }): Promise<CaughtMail>;
  stop(): Promise<void>;
}

const main = fileURLToPath(new URL('../mail-catcher/main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Parse the .eml files of a catcher directory (also what a test of `npm run up`'s catcher reads). */
export async function readMailDir(dir: string): Promise<CaughtMail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(files.map(async (file) => {
    const m = await simpleParser(await readFile(join(dir, file)));
    const text = m.text ?? '';
    return {
      file,
      from: m.from?.value[0]?.address ?? '',
      to: (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')),
      subject: m.subject ?? '',
      text,
      html: typeof m.html === 'string' ? m.html : '',
      links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
      headers: m.headers as Map<string, unknown>,
    };
  }));
}

/**
 * Start the mail catcher (infra/src/mail-catcher) as a real process on free loopback ports, keeping mail in a
 * fresh temporary directory: a real SMTP server receiving what a service sends, parsed with mailparser.
 */
export async function startMailCatcherProcess(): Promise<MailCatcherProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'natter-mail-'));
  const proc = spawnTied(process.execPath, ['--import', 'tsx', main], {
    cwd: repoRoot,
    env: { ...process.env, MAIL_CATCHER_DIR: dir, MAIL_CATCHER_SMTP_PORT: '0', MAIL_CATCHER_HTTP_PORT: '0', MAIL_CATCHER_ANNOUNCE: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<{ smtpPort: number; httpPort: number }>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (line) => resolve(JSON.parse(line)));
    proc.once('exit', (code) => reject(new Error(`mail catcher exited (${code}) before listening`)));
    setTimeout(() => reject(new Error('mail catcher did not start in 20 s')), 20_000).unref();
  });
  const mails = () => readMailDir(dir);
  return {
    smtpUrl: `smtp://127.0.0.1:${ports.smtpPort}`,
    pageUrl: `http://127.0.0.1:${ports.httpPort}/`,
    dir,
    proc,
    mails,
    async waitForMail(match, opts = {}) {
      const until = Date.now() + (opts.timeoutMs ?? 10_000);
      for (;;) {
        const found = (await mails()).slice(opts.after ?? 0).find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching mail within ${opts.timeoutMs ?? 10_000} ms (have ${(await mails()).map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none'})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await stopChild(proc, 'SIGTERM', 3000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
