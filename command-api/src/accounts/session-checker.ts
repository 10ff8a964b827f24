import { Inject } from '@nestjs/common';
import { NatterError } from '@natter/contracts';
import type { RevocationWatch } from '@natter/infra/runtime';
import type { Caller } from '../shared/caller';
import type { SessionGate } from '../shared/session-gate';
import { REVOCATIONS } from '../shared/tokens';
import { SessionsRepository } from './sessions.repository';

const TTL_MS = 5_000;

/**
 * Rejects access tokens whose session (family) is revoked, or whose user is deactivated.
 *
 * First the shared revocation watch (KV `natter_revoked`, mirrored in memory by every instance): a logout
 * on any command-api instance is refused here as soon as its `put` is delivered, within milliseconds and
 * before the logout has even answered. Then `auth.sessions` as a backstop (a revocation whose KV write
 * failed, an expired family), cached for TTL_MS; a revocation on this instance also marks that cache.
 */
export class SessionChecker implements SessionGate {
  private readonly cache = new Map<string, { active: boolean; until: number }>();
  private lastSweep = 0;

  constructor(
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(REVOCATIONS) private readonly revocations: RevocationWatch,
  ) {}

  async assertActive(caller: Caller): Promise<void> {
    this.revocations.assertActive({ sub: caller.userId, sid: caller.sessionId });
    const now = Date.now();
    let hit = this.cache.get(caller.sessionId);
    if (!hit || hit.until < now) {
      hit = { active: await this.sessions.isFamilyActive(caller.sessionId), until: now + TTL_MS };
      this.cache.set(caller.sessionId, hit);
      if (this.cache.size > 50_000 && now - this.lastSweep > 1000) {
        this.lastSweep = now; // at most one sweep a second, even when nothing has expired yet
        this.sweep(now);
      }
    }
    if (!hit.active) throw new NatterError('unauthenticated', 'This session has ended; sign in again.');
  }

  markRevoked(sessionId: string): void {
    this.cache.set(sessionId, { active: false, until: Date.now() + TTL_MS });
  }

  private sweep(now: number): void {
    for (const [k, v] of this.cache) if (v.until < now) this.cache.delete(k);
  }
}
