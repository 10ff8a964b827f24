import { HttpException } from '@nestjs/common';
import { NatterError, type ErrorCode } from '@natter/contracts';
import { isNatsUnavailable } from '@natter/infra/runtime';

/**
 * Every failure, from any layer (our NatterErrors, Nest's HttpExceptions, Fastify's body errors), as a
 * NatterError with a code from the closed list. Anything unrecognised is `internal` and must be logged.
 */
export function toNatterError(err: unknown): { error: NatterError; unexpected: boolean } {
  if (err instanceof NatterError) return { error: err, unexpected: false };
  // NATS or JetStream did not serve (timeout, no responders, reconnecting, a 503 while a stream elects its
  // leader; our requester's or nats.js's, KV calls included): the outcome is unknown, a retry is safe (appends
  // are idempotent or expectation-guarded). Typed as unavailable, and still logged.
  if (isNatsUnavailable(err)) return { error: new NatterError('unavailable', undefined, undefined, { cause: err }), unexpected: true };
  const fastifyCode = (err as { code?: unknown })?.code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return known('body_too_large');
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') return known('bad_json');
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const byStatus: Record<number, ErrorCode> = {
      400: 'validation_failed',
      401: 'unauthenticated',
      403: 'forbidden',
      404: 'not_found',
      405: 'not_found',
      413: 'body_too_large',
      415: 'validation_failed',
      429: 'rate_limited',
      503: 'unavailable',
    };
    const code = byStatus[status];
    if (code) return { error: new NatterError(code, code === 'validation_failed' ? err.message : undefined), unexpected: false };
  }
  return { error: new NatterError('internal', undefined, undefined, { cause: err }), unexpected: true };
}

function known(code: ErrorCode) {
  return { error: new NatterError(code), unexpected: false };
}
