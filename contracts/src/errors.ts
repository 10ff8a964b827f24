import { z } from 'zod';

/**
 * The one closed list of error codes, shared by HTTP bodies, NATS replies and WebSocket error frames.
 * `status` is the HTTP status the code maps to; WS and NATS carry the code alone.
 */
export const ErrorCodes = {
  validation_failed: { status: 400, message: 'The input does not match the schema.' },
  bad_json: { status: 400, message: 'The body is not valid JSON.' },
  unknown_frame: { status: 400, message: 'Unknown or malformed WebSocket frame.' },
  body_too_large: { status: 413, message: 'The body or frame is larger than allowed.' },
  unauthenticated: { status: 401, message: 'A valid access token is required.' },
  token_expired: { status: 401, message: 'The access token has expired; refresh it.' },
  invalid_credentials: { status: 401, message: 'Wrong login or password.' },
  invalid_refresh_token: { status: 401, message: 'The refresh token is unknown, used or revoked.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  not_member: { status: 403, message: 'You are not a member of this room.' },
  user_deactivated: { status: 403, message: 'This account is deactivated.' },
  not_found: { status: 404, message: 'Not found.' },
  room_not_found: { status: 404, message: 'No such room.' },
  user_not_found: { status: 404, message: 'No such user.' },
  username_taken: { status: 409, message: 'That username is taken.' },
  email_taken: { status: 409, message: 'That email is already registered.' },
  conflict: { status: 409, message: 'Concurrent change; try again.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  internal: { status: 500, message: 'Internal error.' },
  projection_lagging: { status: 503, message: 'The read model has not reached the requested sequence yet.' },
  unavailable: { status: 503, message: 'A dependency is unavailable; try again.' },
  /** Refused before any work started: the service is at capacity. Retry after `retryAfterMs` (details, or the frame). */
  overloaded: { status: 503, message: 'The service is at capacity and did not do this; retry after the hinted delay.' },
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
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Validate `input` against `schema`, or throw `validation_failed` naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new NatterError(
    'validation_failed',
    undefined,
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
