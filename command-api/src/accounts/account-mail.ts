import { Inject } from '@nestjs/common';
import { Limits } from '@natter/contracts';
import { renderMail } from '@natter/infra/mail';
import type { Transaction } from 'kysely';
import { MAIL_QUEUE, type MailQueue } from '../shared/mail-queue';
import { EmailLinks } from './email-links';

/** Who a mail goes to. */
export interface Recipient {
  userId: string;
  username: string;
  displayName: string;
  email: string;
}

/**
 * The accounts' mails: password reset, email verification, and the notice to an old address that it was
 * replaced. Each is a link token and an outbox row written in one transaction (a mail exists exactly when
 * its token does), then the worker is nudged. Links carry the token in the URL fragment (`#token=`), which
 * browsers never send to a server: it stays out of access logs and Referer headers; the web client reads it.
 */
export class AccountMail {
  constructor(
    @Inject(MAIL_QUEUE) private readonly queue: MailQueue,
    @Inject(EmailLinks) private readonly links: EmailLinks,
  ) {}

  async passwordReset(to: Recipient): Promise<void> {
    await this.links.transaction(async (trx) => {
      const token = await this.links.issue(trx, 'password_reset', to.userId, to.email, Limits.passwordResetLinkSeconds);
      const body = renderMail({
        heading: 'Reset your Natter password',
        paragraphs: [
          `Hi ${to.displayName}, someone (hopefully you) asked to reset the password of the Natter account ${to.username}.`,
          `The link works once, for ${Limits.passwordResetLinkSeconds / 60} minutes. Setting a new password signs you out everywhere.`,
        ],
        action: { label: 'Choose a new password', url: `${this.queue.publicUrl}/reset-password#token=${token}` },
        footer: ['If you did not ask for this, ignore this mail: your password stays as it is.'],
      });
      await this.queue.outbox.enqueue({ to: to.email, subject: 'Reset your Natter password', ...body }, { kind: 'password_reset', trx });
    });
    this.queue.nudge();
  }

  /** `dedupeKey` names the occasion (a registration, an email change), so a retried command queues one mail. */
  async verification(to: Recipient, dedupeKey: string, trx?: Transaction<any>): Promise<void> {
    const write = async (t: Transaction<any>) => {
      const token = await this.links.issue(t, 'verify_email', to.userId, to.email, Limits.verifyEmailLinkSeconds);
      const body = renderMail({
        heading: 'Confirm your email address',
        paragraphs: [`Hi ${to.displayName}, please confirm that ${to.email} is the address of your Natter account ${to.username}.`, 'The link works for 7 days.'],
        action: { label: 'Confirm my address', url: `${this.queue.publicUrl}/verify-email#token=${token}` },
        footer: ['If you did not create this account, ignore this mail.'],
      });
      await this.queue.outbox.enqueue({ to: to.email, subject: 'Confirm your email address for Natter', ...body }, { kind: 'verify_email', dedupeKey, trx: t });
    };
    if (trx) await write(trx);
    else await this.links.transaction(write);
    this.queue.nudge();
  }

  /** Tells the address being replaced, so a hijacked session changing it does not go unnoticed. */
  async emailChangedNotice(oldEmail: string, to: Recipient, dedupeKey: string): Promise<void> {
    const body = renderMail({
      heading: 'Your Natter email address was changed',
      paragraphs: [`Hi ${to.displayName}, the email address of the Natter account ${to.username} was changed to ${to.email}.`, 'If you did not do this, reset your password and tell your server admin.'],
    });
    await this.queue.outbox.enqueue({ to: oldEmail, subject: 'Your Natter email address was changed', ...body }, { kind: 'email_changed', dedupeKey });
    this.queue.nudge();
  }
}
