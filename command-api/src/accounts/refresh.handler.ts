import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type AuthTokens } from '@natter/contracts';
import { recordRevocation } from '@natter/infra/runtime';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { RefreshCommand } from './refresh.command';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { hashRefreshToken, TokenIssuer } from './token-issuer';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * Refresh with rotation and reuse detection. Guarantee: each refresh token works once. Presenting a token
 * that was already rotated (or losing a race to rotate it) means it leaked: the whole family is revoked (in
 * `auth.sessions` and KV `natter_revoked`, so its access tokens are refused everywhere at once),
 * SessionRevoked(reuse_detected) is appended so edges drop its sockets, and the caller gets 401.
 * Limited per client address (refreshPerAddress), so stolen-token guessing is slow too.
 */
@CommandHandler(RefreshCommand)
export class RefreshHandler implements ICommandHandler<RefreshCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionChecker) private readonly checker: SessionChecker,
    @Inject(TokenIssuer) private readonly tokens: TokenIssuer,
    @Inject(BUCKETS) private readonly buckets: CommandBuckets,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async execute({ refreshToken, ip }: RefreshCommand): Promise<AuthTokens> {
    await this.limiter.take(`refresh:addr:${ip ?? 'unknown'}`, this.config.limits.refreshPerAddress);
    const row = await this.sessions.findByHash(hashRefreshToken(refreshToken));
    if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) throw new NatterError('invalid_refresh_token');
    if (row.replaced_by) return this.reuseDetected(row.user_id, row.family_id);
    const { state } = await this.aggregates.load(UserAggregate, Subjects.user(row.user_id));
    if (!state.exists || state.deactivated) throw new NatterError('invalid_refresh_token');
    const next = await this.tokens.rotate(ownProfile(state), row.id, row.family_id);
    return next ?? this.reuseDetected(row.user_id, row.family_id);
  }

  private async reuseDetected(userId: string, familyId: string): Promise<never> {
    this.checker.markRevoked(familyId);
    const revokedNow = await this.sessions.revokeFamily(familyId);
    // Written even when the family was already revoked: a retry repairs a KV write that failed last time.
    await recordRevocation(this.buckets.revoked, { sessionId: familyId });
    if (revokedNow) {
      await this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, () => ({
        events: [{ type: 'SessionRevoked', data: { userId, sessionId: familyId, reason: 'reuse_detected' } }],
        reply: () => undefined,
      }));
    }
    throw new NatterError('invalid_refresh_token', 'This refresh token was already used; the session is revoked.');
  }
}
