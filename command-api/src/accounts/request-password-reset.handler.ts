import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type MailQueuedResult } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { AccountMail } from './account-mail';
import { RequestPasswordResetCommand } from './request-password-reset.command';
import { UniqueNames } from './unique-names';
import { UserAggregate } from './user.aggregate';

/**
 * "Forgot password": a reset link mailed to the account's address. The answer is the same 202 whether the
 * login names an account, a deactivated one, or nothing, so it cannot be used to find accounts; only an
 * active account gets a mail. Limited per client address and per login as typed (known or not), both
 * before the lookup. The mail is queued (outbox), never sent on the request's path.
 */
@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(UniqueNames) private readonly names: UniqueNames,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(AccountMail) private readonly mail: AccountMail,
  ) {}

  async execute({ login, ip }: RequestPasswordResetCommand): Promise<MailQueuedResult> {
    await this.limiter.take(`pwreset:addr:${ip ?? 'unknown'}`, this.config.limits.passwordResetPerAddress);
    await this.limiter.take(`pwreset:login:${login.trim().toLowerCase()}`, this.config.limits.passwordResetPerLogin);
    const userId = await this.names.resolveLogin(login.trim());
    if (userId) {
      const { state } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
      if (state.exists && !state.deactivated) await this.mail.passwordReset(state);
    }
    return { ok: true };
  }
}
