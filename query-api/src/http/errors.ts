import { NatterError } from '@natter/contracts';
import { retryAfterMsOf } from '@natter/infra/runtime';
import type { FastifyError, FastifyInstance } from 'fastify';

/** Render every failure as `{error:{code,message,details?}}` with the code's HTTP status. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | NatterError | Error, req, reply) => {
    let e: NatterError;
    if (err instanceof NatterError) e = err;
    else if ((err as FastifyError).statusCode === 413) e = new NatterError('body_too_large');
    else if ((err as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) e = new NatterError('bad_json');
    else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! >= 400 && (err as FastifyError).statusCode! < 500) {
      e = new NatterError('validation_failed', err.message);
    } else {
      req.log.error({ err, route: req.routeOptions.url }, 'request failed');
      e = new NatterError('internal');
    }
    if (e.status >= 500 && e.code !== 'internal' && e.code !== 'overloaded') req.log.warn({ code: e.code, details: e.details, route: req.routeOptions.url }, e.message);
    const retryAfterMs = retryAfterMsOf(e.details);
    if (retryAfterMs !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    void reply.status(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(new NatterError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`).toBody());
  });
}
