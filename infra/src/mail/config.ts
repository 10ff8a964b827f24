import { envInt } from '../runtime/env';

/**
 * Mail settings from the environment. `SMTP_URL` is `smtp://[user:pass@]host:port` (or `smtps://` for TLS
 * from the first byte); unset means the local mail catcher `npm run up` starts on 127.0.0.1, so nothing
 * leaves the machine by default. Credentials stay in the URL in memory only: `describeSmtp` is what logs see.
 */
export interface MailConfig {
  readonly smtpUrl: string;
  readonly from: string;
  /** The origin links in mail point at (the gateway), without a trailing slash. */
  readonly publicUrl: string;
  /** Connect, greeting and idle-socket timeout: a slow server fails a send instead of hanging it. */
  readonly timeoutMs: number;
}

export const DEFAULT_SMTP_URL = 'smtp://127.0.0.1:2525';

export function mailConfigFromEnv(env: NodeJS.ProcessEnv): MailConfig {
  const smtpUrl = env.SMTP_URL?.trim() || DEFAULT_SMTP_URL;
  let parsed: URL;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL must be a URL such as smtp://user:pass@mail.example.com:587');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps://, got ${parsed.protocol}//`);
  const from = env.MAIL_FROM?.trim() || 'Natter <natter@localhost>';
  if (/[\r\n]/.test(from)) throw new Error('MAIL_FROM must be one line');
  const publicUrl = (env.PUBLIC_URL?.trim() || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`PUBLIC_URL must be an http(s) URL, got ${JSON.stringify(env.PUBLIC_URL)}`);
  }
  return Object.freeze({ smtpUrl, from, publicUrl, timeoutMs: envInt(env, 'MAIL_TIMEOUT_MS', 10_000, 100, 120_000) });
}

/** The SMTP URL without its password, for logs and status pages. */
export function describeSmtp(smtpUrl: string): string {
  const u = new URL(smtpUrl);
  if (u.password) u.password = '***';
  return u.toString();
}
