import { NatterError, retryAfterSeconds } from '@natter/contracts';
import { acceptJsonBodiesOnly, httpErrorOf } from '@natter/infra/runtime';
import type { FastifyInstance } from 'fastify';

/**
 * Render every failure as `{error:{code,message,details?}}` with the code's HTTP status: our NatterErrors,
 * and Fastify's own errors mapped to the shared codes (infra's httpErrorOf); `Retry-After` on every 429.
 * query-api takes no bodies, but a body sent anyway is held to the same rules as command-api's (JSON only,
 * read to the end).
 */
export function installErrorHandlers(app: FastifyInstance, bodyLimit: number): void {
  acceptJsonBodiesOnly(app, bodyLimit);
  app.setErrorHandler((err: unknown, req, reply) => {
    const { error: e, unexpected } = httpErrorOf(err);
    if (unexpected) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    else if (e.status >= 500) req.log.warn({ code: e.code, details: e.details, route: req.routeOptions.url }, e.message);
    const retryAfter = retryAfterSeconds(e);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(new NatterError('not_found', `No route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`).toBody());
  });
}
