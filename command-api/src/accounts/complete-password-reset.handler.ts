import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hash } from '@node-rs/argon2';
import { NatterError, Subjects, type NewEvent, type PasswordResetResult } from '@natter/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import type { AuthDB } from './auth.tables';
import { EmailLinks } from './email-links';
import { CompletePasswordResetCommand } from './complete-password-reset.command';
import { UserSessions } from './user-sessions';
import { UserAggregate } from './user.aggregate';

/**
 * A new password through a reset link. In one transaction: the token is used (once: a second use is
 * link_used), the other reset links of the account stop working, the new argon2id hash is stored; then,
 * still inside it, every session ends (UserSessions: KV revocation, auth.sessions, SessionRevoked each) and
 * PasswordReset (via email) is appended. Any failure rolls the token and the password back, so the link can
 * be used again. Opening a link mailed to the current address also proves it: EmailVerified if not yet; a
 * link mailed to an address the account no longer has is link_invalid.
 */
@CommandHandler(CompletePasswordResetCommand)
export class CompletePasswordResetHandler implements ICommandHandler<CompletePasswordResetCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EmailLinks) private readonly links: EmailLinks,
    @Inject(UserSessions) private readonly sessions: UserSessions,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async execute({ input, ip }: CompletePasswordResetCommand): Promise<PasswordResetResult> {
    await this.limiter.take(`links:addr:${ip ?? 'unknown'}`, this.config.limits.emailLinksPerAddress);
    EmailLinks.assertWellFormed(input.token);
    const passwordHash = await hash(input.password);
    const seq = await this.links.transaction(async (trx) => {
      const { userId, email } = await this.links.consume(trx, 'password_reset', input.token);
      const { state } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
      if (!state.exists) throw new NatterError('link_invalid');
      // Mailed to an address the account has replaced since: its mailbox is no longer the account's (as in VerifyEmail).
      if (state.email !== email) throw new NatterError('link_invalid', 'This link is for an address the account no longer has.');
      if (state.deactivated) throw new NatterError('user_deactivated');
      await this.links.revokeOthers(trx, 'password_reset', userId);
      await (trx as unknown as Transaction<AuthDB>).updateTable('auth.credentials').set({ password_hash: passwordHash, updated_at: new Date() }).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return this.sessions.revokeAll(userId, userId, (s): NewEvent[] => [
        { type: 'PasswordReset', data: { userId, via: 'email' } },
        ...(s.email === email && !s.emailVerified ? [{ type: 'EmailVerified', data: { userId, email } } as const] : []),
      ]);
    });
    return { ok: true, seq };
  }
}
