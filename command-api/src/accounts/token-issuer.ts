import { createHash, randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { signAccessToken } from '@natter/infra/runtime';
import { Limits, newId, Subjects, type AuthTokens, type UserProfile } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { CONFIG } from '../shared/tokens';
import { UserAggregate } from './user.aggregate';
import { SessionsRepository } from './sessions.repository';

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Issues token pairs. A refresh token is 32 random bytes (base64url), stored only as its SHA-256; the
 * access token's `sid` is the session family id, stable across rotations.
 */
export class TokenIssuer {
  constructor(
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  /**
   * A new session family (register, login), recorded as SessionStarted on the user's subject (what the admin
   * panel lists sessions from); the answer's seq is that event's.
   */
  async startSession(user: UserProfile): Promise<AuthTokens> {
    const familyId = newId();
    const refresh = this.newRefresh();
    await this.sessions.insert({ id: newId(), userId: user.id, familyId, refreshHash: refresh.hash, expiresAt: refresh.expiresAt });
    const seq = await this.aggregates.execute(UserAggregate, Subjects.user(user.id), user.id, () => ({
      events: [{ type: 'SessionStarted', data: { userId: user.id, sessionId: familyId } }],
      reply: (after) => after.version,
    }));
    return this.tokens(user, familyId, refresh, seq);
  }

  /** Rotate: returns null when the old row was replaced or revoked meanwhile. */
  async rotate(user: UserProfile, oldRowId: string, familyId: string): Promise<AuthTokens | null> {
    const refresh = this.newRefresh();
    const ok = await this.sessions.rotate(oldRowId, { id: newId(), userId: user.id, familyId, refreshHash: refresh.hash, expiresAt: refresh.expiresAt });
    return ok ? this.tokens(user, familyId, refresh, 0) : null;
  }

  private newRefresh() {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: hashRefreshToken(token), expiresAt: new Date(Date.now() + Limits.refreshTokenSeconds * 1000) };
  }

  private async tokens(user: UserProfile, familyId: string, refresh: { token: string; expiresAt: Date }, seq: number): Promise<AuthTokens> {
    const access = await signAccessToken(this.config.signingKey, { sub: user.id, sid: familyId, usr: user.username });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
      user,
      seq,
    };
  }
}
