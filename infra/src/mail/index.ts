/**
 * `@natter/infra/mail`: sending mail. The `Mailer` interface (mailer.ts), its SMTP implementation configured
 * from the environment (smtp-mailer.ts, config.ts) and the HTML + text templates (templates.ts).
 */
export type { MailMessage, Mailer } from './mailer';
export { MailSendError } from './mailer';
export { SmtpMailer, mailerFromEnv } from './smtp-mailer';
export { mailConfigFromEnv, describeSmtp, DEFAULT_SMTP_URL } from './config';
export type { MailConfig } from './config';
export { renderMail, renderHtml, renderText, escapeHtml } from './templates';
export type { MailContent } from './templates';
