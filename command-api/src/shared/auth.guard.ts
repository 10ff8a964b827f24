import { Inject } from '@nestjs/common';
import { bearerToken, verifyAccessToken } from '@natter/infra/runtime';
import type { CommandApiConfig } from '../config';
import type { Caller } from './caller';
import { SESSION_GATE, type SessionGate } from './session-gate';
import { CONFIG } from './tokens';

/**
 * Bearer access token on every route that needs a caller: signature and expiry verified locally, and the
 * session must not be revoked (a logged-out token stops working on every instance at once: SessionGate).
 */
export class BearerAuth {
  constructor(
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(SESSION_GATE) private readonly sessions: SessionGate,
  ) {}

  async caller(authorization: string | string[] | undefined): Promise<Caller> {
    const claims = await verifyAccessToken(this.config.verifyKey, bearerToken(authorization));
    const caller: Caller = { userId: claims.sub, sessionId: claims.sid };
    await this.sessions.assertActive(caller);
    return caller;
  }
}
