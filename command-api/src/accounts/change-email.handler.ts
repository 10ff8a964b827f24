import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verify } from '@node-rs/argon2';
import { NatterError, Subjects, type ChangeEmailResult } from '@natter/contracts';
import type { Logger } from 'pino';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, LOGGER } from '../shared/tokens';
import { AccountMail } from './account-mail';
import { CredentialsRepository } from './credentials.repository';
import { EmailLinks } from './email-links';
import { ChangeEmailCommand } from './change-email.command';
import { emailKey, UniqueNames } from './unique-names';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * A new address, with the current password. Order as in registration: reserve the new address in
 * natter_unique (email_taken if someone holds it), append EmailChanged (the address is unverified from
 * then), and only then give the old reservation up; a failed append gives the new one back. Then the links
 * mailed to the old address are deleted (an outstanding password reset must not let the old mailbox back in),
 * a verification link goes to the new address and a notice to the old one. The same address again (any case)
 * changes nothing.
 */
@CommandHandler(ChangeEmailCommand)
export class ChangeEmailHandler implements ICommandHandler<ChangeEmailCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(UniqueNames) private readonly names: UniqueNames,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(AccountMail) private readonly mail: AccountMail,
    @Inject(EmailLinks) private readonly links: EmailLinks,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async execute({ caller, input }: ChangeEmailCommand): Promise<ChangeEmailResult> {
    const { userId } = caller;
    await this.limiter.take(`mails:user:${userId}`, this.config.limits.emailMailsPerUser);
    const passwordHash = await this.credentials.findHash(userId);
    if (!passwordHash || !(await verify(passwordHash, input.password))) throw new NatterError('invalid_credentials', 'The password is wrong.');
    const { state: before, version } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!before.exists) throw new NatterError('user_not_found');
    if (before.email.toLowerCase() === input.email.toLowerCase()) return { user: ownProfile(before), seq: version };
    const newKey = emailKey(input.email);
    if (!(await this.names.reserve(newKey, userId))) throw UniqueNames.taken('email');
    let changed;
    try {
      changed = await this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
        if (state.deactivated) throw new NatterError('user_deactivated');
        return { events: [{ type: 'EmailChanged', data: { userId, email: input.email } }], reply: (after) => ({ old: state.email, after }) };
      });
    } catch (err) {
      await this.names.release(newKey, userId).catch(() => {});
      throw err;
    }
    const { old, after } = changed;
    await this.names.release(emailKey(old), userId).catch((err) => this.log.warn({ err, userId }, 'old email reservation not released'));
    const me = after.state;
    // Links mailed to the old address (a password reset above all) stop working now. If this delete fails,
    // completing such a reset is still refused: CompletePasswordReset checks the link's address against the
    // account's, which also covers a reset requested while this change was being appended.
    await this.links.forgetOtherAddresses(userId, me.email).catch((err) => this.log.error({ err, userId }, 'links to the old address not deleted'));
    // The change is stored: a mail that cannot be queued is logged, not a failed command (resend covers it).
    await this.mail.verification(me, `verify:${userId}:${after.version}`).catch((err) => this.log.error({ err, userId }, 'verification mail not queued'));
    await this.mail.emailChangedNotice(old, me, `email-changed:${userId}:${after.version}`).catch((err) => this.log.error({ err, userId }, 'email change notice not queued'));
    return { user: ownProfile(me), seq: after.version };
  }
}
