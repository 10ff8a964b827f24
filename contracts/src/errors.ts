import { z } from 'zod';

/**
 * The one closed list of error codes, shared by HTTP bodies, NATS replies and WebSocket error frames.
 * `status` is the HTTP status the code maps to; WS and NATS carry the code alone.
 */
export const ErrorCodes = {
  validation_failed: { status: 400, message: 'The input does not match the schema.' },
  bad_json: { status: 400, message: 'The body is not valid JSON.' },
  bad_request: { status: 400, message: 'The request is malformed (bad URL encoding, headers or framing).' },
  unknown_frame: { status: 400, message: 'Unknown or malformed WebSocket frame.' },
  body_too_large: { status: 413, message: 'The body or frame is larger than allowed.' },
  uri_too_long: { status: 414, message: 'The URL is longer than allowed.' },
  unsupported_media_type: { status: 415, message: 'Send the body as JSON, with Content-Type: application/json.' },
  headers_too_large: { status: 431, message: 'The request headers are larger than allowed.' },
  request_timeout: { status: 408, message: 'The request was not received in time.' },
  unauthenticated: { status: 401, message: 'A valid access token is required.' },
  token_expired: { status: 401, message: 'The access token has expired; refresh it.' },
  invalid_credentials: { status: 401, message: 'Wrong login or password.' },
  invalid_refresh_token: { status: 401, message: 'The refresh token is unknown, used or revoked.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  not_member: { status: 403, message: 'You are not a member of this room.' },
  user_deactivated: { status: 403, message: 'This account is deactivated.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  room_not_found: { status: 404, message: 'No such room.' },
  user_not_found: { status: 404, message: 'No such user.' },
  message_not_found: { status: 404, message: 'No such message in this room.' },
  message_deleted: { status: 410, message: 'This message was deleted.' },
  edit_window_closed: { status: 403, message: 'This message can no longer be edited (the room limits how long after sending).' },
  too_many_reactions: { status: 409, message: 'This message has as many different reactions as it may have.' },
  username_taken: { status: 409, message: 'That username is taken.' },
  email_taken: { status: 409, message: 'That email is already registered.' },
  conflict: { status: 409, message: 'Concurrent change; try again.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the time given (Retry-After, retryAfterMs).' },
  internal: { status: 500, message: 'Internal error.' },
  projection_lagging: { status: 503, message: 'The read model has not reached the requested sequence yet.' },
  unavailable: { status: 503, message: 'A dependency is unavailable; try again.' },
  // ---- people and moderation (issue 11)
  banned: { status: 403, message: 'You are banned from this room.' },
  room_archived: { status: 403, message: 'This room is archived (read-only).' },
  registration_closed: { status: 403, message: 'Registration is closed on this server; you need an invite.' },
  invite_invalid: { status: 404, message: 'This invite is unknown, expired, used up or revoked.' },
  // ---- email links (issue 13): password reset and email verification
  link_invalid: { status: 400, message: 'This link is not valid; request a new one.' },
  link_expired: { status: 410, message: 'This link has expired; request a new one.' },
  link_used: { status: 410, message: 'This link was already used; request a new one if you need to.' },
  // ---- search (issue 12)
  /** The search index is still being built from the log (back-fill); details: appliedSeq, targetSeq. Retry later. */
  search_not_ready: { status: 503, message: 'The search index is still being built from history; try again shortly.' },
  /** Refused before any work started: the service is at capacity. Retry after `retryAfterMs` (details, or the frame). */
  overloaded: { status: 503, message: 'The service is at capacity and did not do this; retry after the hinted delay.' },
  // ---- files (issue 13)
  file_empty: { status: 400, message: 'The file is empty.' },
  file_too_large: { status: 413, message: 'The file is larger than allowed (details.maxBytes).' },
  quota_exceeded: { status: 413, message: 'Your stored files would pass your quota (details.quotaBytes); delete some first.' },
  file_type_mismatch: { status: 415, message: 'The file\'s content is not what its name or type says (checked by content, not by name).' },
  image_too_large: { status: 422, message: 'The image has more pixels than allowed (details.maxPixels).' },
  bad_image: { status: 422, message: 'The image cannot be decoded.' },
  file_not_found: { status: 404, message: 'No such file in this room.' },
  range_not_satisfiable: { status: 416, message: 'The range is outside the file (Content-Range says its size).' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;
export const ErrorCodeSchema = z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A failure every layer can throw and every transport knows how to render. */
export class NatterError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown, options?: { cause?: unknown }) {
    super(message ?? ErrorCodes[code].message, options);
    this.name = 'NatterError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.details = details;
  }
  /** 429: try again in `retryAfterMs` (sent as `Retry-After` over HTTP and `retryAfterMs` in WS error frames). */
  static rateLimited(retryAfterMs: number, message?: string): NatterError {
    return new NatterError('rate_limited', message, { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) });
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** The codes that carry a retry hint (`details.retryAfterMs`): a limit, or a service shedding load. */
const retryHinted: ReadonlySet<string> = new Set(['rate_limited', 'overloaded']);

/** How long a `rate_limited` or `overloaded` error asks the client to wait, in ms (its details' `retryAfterMs`). */
export function retryAfterMsOf(e: { code: string; details?: unknown }): number | undefined {
  if (!retryHinted.has(e.code)) return undefined;
  const ms = (e.details as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.ceil(ms) : undefined;
}

/** The `Retry-After` header value (whole seconds, at least 1) of a `rate_limited` or `overloaded` error. */
export function retryAfterSeconds(e: { code: string; details?: unknown }): number | undefined {
  if (!retryHinted.has(e.code)) return undefined;
  const ms = retryAfterMsOf(e);
  return ms === undefined ? 1 : Math.max(1, Math.ceil(ms / 1000));
}

/**
 * The generic code for an HTTP status, for errors a framework or the gateway raised by status alone (Nest's
 * HttpExceptions, a Fastify error without a code we know, nginx's own pages). Undefined: not a status we
 * answer with; the caller treats it as `internal`.
 */
export function errorCodeForStatus(status: number): ErrorCode | undefined {
  return statusCodes[status];
}
const statusCodes: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  411: 'bad_request',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

export interface FieldProblem {
  /** Dotted path of the field (`rooms.abc`, `password`), '' for the whole input. */
  path: string;
  message: string;
}

/**
 * One problem per field, the first zod found: a wrong type is "expected string, received array", never also a
 * length check zod ran on the array. Strings are shortened so that an error never echoes a huge input.
 */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const i of error.issues) {
    const path = i.path.map((p) => String(p).slice(0, 64)).join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: i.message.replace(/^Invalid input: /, '').slice(0, 200) });
    if (out.length === 20) break;
  }
  return out;
}

/** Validate `input` against `schema`, or throw `validation_failed` naming every bad field (once each). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new NatterError('validation_failed', undefined, fieldProblems(r.error));
}
