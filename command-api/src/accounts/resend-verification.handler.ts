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

/** Requests for one account state in one such window queue one mail (see `execute`). */
export const RESEND_WINDOW_MS = 60_000;

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
    // A double click or a client's retry must not mail two links: the outbox queues one mail per dedupe key,
    // and the key names the account state (`version`: a new address makes a new key) and the minute. A later
    // resend (the first mail never came) gets a new key; the per-user limit above bounds how many.
    const window = Math.floor(Date.now() / RESEND_WINDOW_MS);
    if (!state.emailVerified) await this.mail.verification(state, `verify:${caller.userId}:resend:${version}:${window}`);
    return { ok: true };
  }
}
