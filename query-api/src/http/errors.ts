import { NatterError, retryAfterSeconds } from '@natter/contracts';
import { acceptJsonBodiesOnly, httpErrorOf } from '@natter/infra/runtime';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/**
 * Render every failure as `{error:{code,message,details?}}` with the code's HTTP status, counted by code: our
 * NatterErrors, and Fastify's own errors mapped to the shared codes (infra's httpErrorOf); `Retry-After` on
 * every 429 and `overloaded` 503. query-api takes no bodies, but a body sent anyway is held to the same rules as command-api's
 * (JSON only, read to the end).
 */
function decodes(query: string): boolean {
  if (!query.includes('%')) return true;
  try {
    decodeURIComponent(query.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

export function installErrorHandlers(app: FastifyInstance, bodyLimit: number, metrics: Metrics): void {
  acceptJsonBodiesOnly(app, bodyLimit);
  app.setErrorHandler((err: unknown, req, reply) => {
    const { error: e, unexpected } = httpErrorOf(err);
    if (unexpected) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    else if (e.status >= 500 && e.code !== 'overloaded') req.log.warn({ code: e.code, details: e.details, route: req.routeOptions.url }, e.message);
    metrics.error(e.code);
    const retryAfter = retryAfterSeconds(e);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(e.status).send(e.toBody());
  });
  // Fastify's query parser keeps a sequence that does not decode (`%d8%00`) as literal text; a client that
  // sent one meant something else: refuse it rather than search for the literal.
  app.addHook('onRequest', async (req) => {
    const q = req.url.indexOf('?');
    if (q >= 0 && !decodes(req.url.slice(q + 1))) throw new NatterError('bad_request', 'The query string is not valid percent-encoded UTF-8.');
  });
  app.setNotFoundHandler((req, reply) => {
    metrics.error('not_found');
    void reply.status(404).send(new NatterError('not_found', `No route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`).toBody());
  });
}
