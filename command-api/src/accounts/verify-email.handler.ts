import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type EmailVerifiedResult } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { EmailLinks } from './email-links';
import { VerifyEmailCommand } from './verify-email.command';
import { UserAggregate } from './user.aggregate';

/**
 * A verification link opened: EmailVerified for the address it was sent to, if that is still the account's
 * address (a link to an address replaced since is link_invalid). The token is used inside a transaction that
 * commits only after the append, so a failed append leaves the link usable. No sign-in needed: the link may
 * be opened on a phone where the user is not signed in.
 */
@CommandHandler(VerifyEmailCommand)
export class VerifyEmailHandler implements ICommandHandler<VerifyEmailCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EmailLinks) private readonly links: EmailLinks,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async execute({ token, ip }: VerifyEmailCommand): Promise<EmailVerifiedResult> {
    await this.limiter.take(`links:addr:${ip ?? 'unknown'}`, this.config.limits.emailLinksPerAddress);
    return this.links.transaction(async (trx) => {
      const { userId, email } = await this.links.consume(trx, 'verify_email', token);
      return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
        if (!state.exists || state.email !== email) throw new NatterError('link_invalid', 'This link is for an address the account no longer has.');
        return {
          events: state.emailVerified ? [] : [{ type: 'EmailVerified', data: { userId, email } }],
          reply: (after) => ({ ok: true as const, email, seq: after.version }),
        };
      });
    });
  }
}
