/**
 * The mail seam. Everything that sends mail (password reset, email verification, notification digests) codes
 * against `Mailer`; the SMTP implementation is in smtp-mailer.ts. A test or a future API-based provider (an
 * HTTP mail service) implements the same two methods.
 */
export interface MailMessage {
  /** One RFC 5321 address. */
  to: string;
  subject: string;
  /** The plain-text part; every mail carries one, so text-only readers and spam filters are happy. */
  text: string;
  /** The HTML part (templates.ts escapes every interpolated value). */
  html: string;
  /** Extra headers such as `List-Unsubscribe`; the mailer sets From, To, Subject, Date and Message-ID itself. */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects with `MailSendError` otherwise. */
  send(m: MailMessage): Promise<{ messageId: string }>;
  /** Closes pooled connections; sending after close is an error. */
  close(): Promise<void>;
}

/**
 * A refused or failed send. `permanent` is true when retrying cannot help (an SMTP 5xx answer such as an
 * unknown mailbox, or a message the server refuses), so an outbox gives up instead of retrying for days;
 * connection errors, timeouts and 4xx answers are temporary.
 */
export class MailSendError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly responseCode: number | undefined;
  constructor(message: string, opts: { code: string; permanent: boolean; responseCode?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'MailSendError';
    this.code = opts.code;
    this.permanent = opts.permanent;
    this.responseCode = opts.responseCode;
  }
}
