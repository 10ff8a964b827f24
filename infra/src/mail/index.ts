/**
 * `@natter/infra/mail`: sending mail. The `Mailer` interface (mailer.ts), its SMTP implementation configured
 * from the environment (smtp-mailer.ts, config.ts), the HTML + text templates (templates.ts), and the Postgres
 * outbox with its worker (outbox.ts, outbox-worker.ts: retries with backoff, requests never wait on SMTP).
 */
export type { MailMessage, Mailer } from './mailer';
export { MailSendError } from './mailer';
export { SmtpMailer, mailerFromEnv } from './smtp-mailer';
export { mailConfigFromEnv, describeSmtp, DEFAULT_SMTP_URL } from './config';
export type { MailConfig } from './config';
export { renderMail, renderHtml, renderText, escapeHtml } from './templates';
export type { MailContent } from './templates';
export { MailOutbox } from './outbox';
export type { MailOutboxDB, MailOutboxTable, OutboxItem } from './outbox';
export { OutboxWorker, retryDelayMs, outboxWorkerOptionsFromEnv, defaultOutboxWorkerOptions } from './outbox-worker';
export type { OutboxWorkerOptions } from './outbox-worker';
