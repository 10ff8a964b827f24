import { Limits, NatterError } from '@natter/contracts';
import type { FastifyServer } from './http-types';

/**
 * Replace Fastify's JSON parser: an empty body is "no body" (commands such as join take none), and a body
 * that is not JSON answers 400 bad_json rather than a generic error. Fastify enforces the 64 KiB limit
 * (FST_ERR_CTP_BODY_TOO_LARGE, rendered as 413 body_too_large).
 */
export function installJsonParser(fastify: FastifyServer): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: Limits.httpBodyBytes }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new NatterError('bad_json', undefined, undefined, { cause: err }), undefined);
    }
  });
}
