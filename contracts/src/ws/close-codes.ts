/**
 * WebSocket close codes, one numbered list. 40xx: reconnect (any node) and resume with your positions, except
 * 4003 (reconnect, but drop every position first: they belong to another stream). 41xx: do not reconnect with
 * the same token (refresh it, or log in again).
 */
export const CloseCode = Object.freeze({
  /** Node draining (SIGTERM) or asked to move: reconnect elsewhere and resume. */
  Reconnect: 4000,
  /** The client read too slowly and its buffer passed the edge's backpressure bound: reconnect and resume. */
  SlowConsumer: 4001,
  /** The edge lost its NATS connection or failed internally: reconnect and resume. */
  ServerError: 4002,
  /**
   * Sent after a `reset` frame: the positions the client holds are not positions of this stream (another
   * epoch, or beyond its end). Drop every position and what was built on them, reload over HTTP, reconnect
   * and resume with no positions.
   */
  Reset: 4003,
  /** No token, bad signature or malformed token. */
  Unauthenticated: 4100,
  /** The access token expired: refresh it, then reconnect and resume. */
  TokenExpired: 4101,
  /** The session was logged out or revoked. */
  SessionRevoked: 4102,
  /** The account was deactivated. */
  UserDeactivated: 4103,
});
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
/** Reconnect (after a backoff) and resume; for 4003 drop the positions first (`mustReset`). */
export const shouldResume = (code: number) => code >= 4000 && code < 4100;
export const mustReset = (code: number) => code === CloseCode.Reset;
