import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { describeSmtp, mailConfigFromEnv, type MailConfig } from './config';
import { MailSendError, type MailMessage, type Mailer } from './mailer';

/** Headers a caller may not set: the mailer owns them, and letting them through would allow spoofing. */
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'sender', 'reply-to']);

/**
 * A `Mailer` over SMTP (nodemailer, pooled connections). It does not retry: retries with backoff belong to
 * the caller's outbox, which knows whether a message is still wanted and remembers attempts across restarts.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private closed = false;

  constructor(private readonly config: MailConfig, private readonly log: Logger) {
    this.transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 2,
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    });
  }

  async send(m: MailMessage): Promise<{ messageId: string }> {
    if (this.closed) throw new MailSendError('mailer is closed', { code: 'mailer_closed', permanent: false });
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) throw new MailSendError(`header ${name} is set by the mailer`, { code: 'bad_header', permanent: true });
      if (/[\r\n]/.test(value) || /[^!-9;-~]/.test(name)) throw new MailSendError(`header ${name} is malformed`, { code: 'bad_header', permanent: true });
    }
    if (/[\r\n]/.test(m.subject) || /[\r\n,;<>]/.test(m.to)) throw new MailSendError('to/subject must be one plain line', { code: 'bad_header', permanent: true });
    try {
      const info = await this.transport.sendMail({ from: this.config.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
      this.log.debug({ messageId: info.messageId }, 'mail accepted');
      return { messageId: info.messageId };
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; message?: string };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
      throw new MailSendError(`SMTP send failed: ${e.message ?? String(err)}`, { code: e.code ?? 'smtp_error', permanent, responseCode: e.responseCode, cause: err });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transport.close();
  }

  describe(): string {
    return describeSmtp(this.config.smtpUrl);
  }
}

/** The process's mailer, configured from `SMTP_URL`, `MAIL_FROM`, `MAIL_TIMEOUT_MS` (see config.ts). */
export function mailerFromEnv(env: NodeJS.ProcessEnv, log: Logger): Mailer {
  const config = mailConfigFromEnv(env);
  const mailer = new SmtpMailer(config, log.child({ component: 'mailer' }));
  log.info({ smtp: mailer.describe(), from: config.from }, 'mailer configured');
  return mailer;
}
