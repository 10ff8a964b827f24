import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { retryAfterMsOf } from '@natter/infra/runtime';
import type { HttpReply } from './http-types';
import type { Logger } from 'pino';
import { toNatterError } from './errors';
import type { Metrics } from './metrics';

/** The one place HTTP errors are rendered: `{error:{code,message,details?}}` with the code's status. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly metrics: Metrics, private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<HttpReply>();
    const { error, unexpected } = toNatterError(exception);
    if (unexpected) this.log.error({ err: exception }, 'unhandled error in HTTP request');
    this.metrics.error(error.code);
    const retryAfterMs = retryAfterMsOf(error.details);
    if (retryAfterMs !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
  }
}
