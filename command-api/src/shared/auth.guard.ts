import { createParamDecorator, Inject, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { bearerToken, verifyAccessToken } from '@natter/infra/runtime';
import type { HttpRequest } from './http-types';
import type { CommandApiConfig } from '../config';
import { SessionChecker } from '../accounts/session-checker';
import type { Caller } from './caller';
import { CONFIG } from './tokens';

type AuthedRequest = HttpRequest & { caller?: Caller };

/**
 * Bearer access token on every route that uses it: signature and expiry verified locally, and the session
 * must not be revoked (a logged-out token stops working on every instance at once: SessionChecker).
 */
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(CONFIG) private readonly config: CommandApiConfig,
    @Inject(SessionChecker) private readonly sessions: SessionChecker,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const claims = await verifyAccessToken(this.config.verifyKey, bearerToken(req.headers.authorization));
    const caller: Caller = { userId: claims.sub, sessionId: claims.sid };
    await this.sessions.assertActive(caller);
    req.caller = caller;
    return true;
  }
}

/** The authenticated caller, set by BearerAuthGuard. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without BearerAuthGuard');
  return caller;
});
