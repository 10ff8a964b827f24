import { NatterError } from '@natter/contracts';
import { httpErrorOf, isNatsUnavailable } from '@natter/infra/runtime';

/**
 * Every failure, from any layer (our NatterErrors, Nest's HttpExceptions, Fastify's own errors), as a
 * NatterError with a code from the closed list (infra's httpErrorOf). Anything unrecognised is `internal` and
 * must be logged.
 */
export function toNatterError(err: unknown): { error: NatterError; unexpected: boolean } {
  // NATS or JetStream did not serve (timeout, no responders, reconnecting, a 503 while a stream elects its
  // leader; our requester's or nats.js's, KV calls included): the outcome is unknown, a retry is safe (appends
  // are idempotent or expectation-guarded). Typed as unavailable, and still logged.
  if (!(err instanceof NatterError) && isNatsUnavailable(err)) return { error: new NatterError('unavailable', undefined, undefined, { cause: err }), unexpected: true };
  return httpErrorOf(err);
}
