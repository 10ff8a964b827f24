import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type MailQueuedResult } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { AccountMail } from './account-mail';
import { ResendVerificationCommand } from './resend-verification.command';
import { UserAggregate } from './user.aggregate';

/** A fresh verification link to the caller's current address (none if it is verified already). Limited per user. */
@CommandHandler(ResendVerificationCommand)
export class ResendVerificationHandler implements ICommandHandler<ResendVerificationCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(AccountMail) private readonly mail: AccountMail,
  ) {}

  async execute({ caller }: ResendVerificationCommand): Promise<MailQueuedResult> {
    await this.limiter.take(`mails:user:${caller.userId}`, this.config.limits.emailMailsPerUser);
    const { state, version } = await this.aggregates.load(UserAggregate, Subjects.user(caller.userId));
    if (!state.exists) throw new NatterError('user_not_found');
    if (!state.emailVerified) await this.mail.verification(state, `verify:${caller.userId}:resend:${version}:${Date.now()}`);
    return { ok: true };
  }
}
