import type { Socket } from 'node:net';
import { errorCodeForStatus, NatterError, type ErrorCode } from '@natter/contracts';

/**
 * Errors the HTTP frameworks raise themselves (Fastify's FST_ERR_*, Nest's HttpExceptions, Node's parser),
 * as the codes of contracts' closed list, so that no client ever sees a framework's own body. Shared by
 * command-api (Nest on Fastify) and query-api (Fastify).
 */
const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_request',
  // A path parameter longer than the router's maxParamLength. The services set that above any URL the
  // gateway lets through, so ids are normally refused by their schema (400 validation_failed) instead.
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/**
 * `err` as a NatterError with a listed code. `unexpected` is true for anything that is not a client's
 * mistake (it becomes `internal` and must be logged).
 */
export function httpErrorOf(err: unknown): { error: NatterError; unexpected: boolean } {
  if (err instanceof NatterError) return { error: err, unexpected: false };
  const e = err as { code?: unknown; statusCode?: unknown; status?: unknown; getStatus?: () => number; message?: unknown };
  const byCode = typeof e?.code === 'string' ? fastifyCodes[e.code] : undefined;
  if (byCode) return { error: new NatterError(byCode), unexpected: false };
  // Nest's HttpException (getStatus), Fastify's and http-errors' `statusCode`/`status`.
  const status = typeof e?.getStatus === 'function' ? e.getStatus() : typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = errorCodeForStatus(status) ?? 'bad_request';
    return { error: new NatterError(code, undefined, undefined, { cause: err }), unexpected: false };
  }
  return { error: new NatterError('internal', undefined, undefined, { cause: err }), unexpected: true };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route runs (bad framing,
 * headers too large, a request that timed out) answered with the JSON error body instead of Node's plain
 * "400 Bad Request", then the connection closed (the parser cannot continue on it).
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'bad_request';
  const e = new NatterError(code);
  const body = JSON.stringify(e.toBody());
  socket.end(
    `HTTP/1.1 ${e.status} ${e.code}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Server options both HTTP services pass to Fastify (directly, or through Nest's FastifyAdapter): the body
 * limit, path parameters as long as any URL the gateway forwards (so an over-long id is refused by its schema,
 * 400 validation_failed, not by the router), and Node's parser errors as JSON.
 */
export function httpServerOptions(bodyLimit: number) {
  return { bodyLimit, routerOptions: { maxParamLength: 8192 }, clientErrorHandler: answerClientError, frameworkErrors: answerFrameworkError };
}

/** Fastify's `frameworkErrors`: the router's own refusals (a URL that does not decode, a parameter too long). */
// `reply` is Fastify's reply, whose generic types infra does not import.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function answerFrameworkError(err: Error, _req: unknown, reply: any): void {
  const { error } = httpErrorOf(err);
  reply.code(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
}
