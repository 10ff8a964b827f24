import { createHash, type KeyObject } from 'node:crypto';
import { NatterError } from '@natter/contracts';
import { verifyAccessTokenSync } from '@natter/infra/runtime';

type Claims = ReturnType<typeof verifyAccessTokenSync>;

/**
 * Access tokens whose signature this node has checked, so the same token presented again (a reconnect after a
 * network blip, a storm of them, several sockets of one device) skips the Ed25519 verification, about half of
 * what a connect cost the edge's CPU. Keyed by the token's SHA-256 (equal digests are equal tokens), at most
 * `max` of them, oldest out first. A hit is checked for expiry like a fresh token; revocation is checked by the
 * caller on every upgrade, hit or not, so nothing here outlives a logout.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Claims>();

  constructor(
    private readonly key: KeyObject,
    private readonly max = 10_000,
  ) {}

  verify(token: string | null | undefined, nowMs = Date.now()): Claims {
    if (!token) return verifyAccessTokenSync(this.key, token, nowMs);
    const digest = createHash('sha256').update(token).digest('base64');
    const hit = this.entries.get(digest);
    if (hit) {
      if (hit.expiresAtMs > nowMs) return hit;
      this.entries.delete(digest);
      throw new NatterError('token_expired');
    }
    const claims = verifyAccessTokenSync(this.key, token, nowMs);
    this.entries.set(digest, claims);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return claims;
  }
}
