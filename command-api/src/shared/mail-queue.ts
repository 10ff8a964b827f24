import type { MailOutbox } from '@natter/infra/mail';

/**
 * Where handlers put mail: the Postgres outbox (infra/src/mail/outbox.ts), drained by this process's
 * OutboxWorker (app.ts). A handler enqueues, inside its own transaction when the mail announces something it
 * writes, then `nudge()`s the worker so the mail leaves at once instead of at the next poll. Nothing on a
 * request's path waits for SMTP.
 */
export interface MailQueue {
  readonly outbox: MailOutbox;
  /** The origin links in mail point at (PUBLIC_URL). */
  readonly publicUrl: string;
  nudge(): void;
}

export const MAIL_QUEUE = Symbol('MailQueue');
