import { NatterError } from '@natter/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/** Render every failure as `{error:{code,message,details?}}` with the code's HTTP status, counted by code. */
export function installErrorHandlers(app: FastifyInstance, metrics: Metrics): void {
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
    if (e.status >= 500 && e.code !== 'internal') req.log.warn({ code: e.code, details: e.details, route: req.routeOptions.url }, e.message);
    metrics.error(e.code);
    void reply.status(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    metrics.error('not_found');
    void reply.status(404).send(new NatterError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`).toBody());
  });
}
