import type { Caller } from './caller';

/**
 * Refuses a caller whose session is revoked or whose user is deactivated (401/403), on every HTTP route and
 * NATS command. Implemented by accounts' SessionChecker; `shared/` knows only this interface.
 */
export interface SessionGate {
  assertActive(caller: Caller): Promise<void>;
}
export const SESSION_GATE = Symbol('SessionGate');
