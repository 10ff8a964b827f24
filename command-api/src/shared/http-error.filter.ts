import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { retryAfterSeconds } from '@natter/contracts';
import type { HttpReply } from './http-types';
import type { Logger } from 'pino';
import { toNatterError } from './errors';
import type { Metrics } from './metrics';

/**
 * The one place HTTP errors are rendered: `{error:{code,message,details?}}` with the code's status, and
 * `Retry-After` (seconds) on every 429.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly metrics: Metrics, private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<HttpReply>();
    const { error, unexpected } = toNatterError(exception);
    if (unexpected) this.log.error({ err: exception }, 'unhandled error in HTTP request');
    this.metrics.error(error.code, 'http');
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
  }
}
