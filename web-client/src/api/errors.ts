import type { ErrorCode } from '@natter/contracts/browser';

/** A failed API call: the server's error code, or `network` when no answer came. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';
  readonly details?: unknown;
  constructor(status: number, code: ErrorCode | 'network', message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const isNetworkError = (e: unknown) => e instanceof ApiError && e.code === 'network';
/** No usable answer: the network is down, or the gateway/backend is (5xx). Time to show the offline copy. */
export const isUnreachable = (e: unknown) => e instanceof ApiError && (e.code === 'network' || e.status >= 500);

/** Text for a person, by error code; falls back to the server's message. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'network':
      return 'Cannot reach the server. Check your connection and try again.';
    case 'invalid_credentials':
      return 'Wrong username/email or password.';
    case 'username_taken':
      return 'That username is taken.';
    case 'email_taken':
      return 'That email is already registered.';
    case 'registration_closed':
      return 'Registration is closed on this server. Ask for an invite link.';
    case 'banned':
      return 'You are banned from this room.';
    case 'room_archived':
      return 'This room is archived: it can be read, not written in.';
    case 'invite_invalid':
      return 'This invite link is no longer valid (expired, used up or revoked).';
    case 'link_invalid':
      return 'This link is not valid (mistyped, or for an address you no longer use). Ask for a new one.';
    case 'link_expired':
      return 'This link has expired. Ask for a new one.';
    case 'link_used':
      return 'This link was already used. Ask for a new one if you need to.';
    case 'rate_limited':
      return 'Too many attempts. Please wait a moment and try again.';
    case 'overloaded':
      return 'The server is busy right now. Please try again in a moment.';
    case 'validation_failed': {
      const fields = Array.isArray(e.details) ? (e.details as { path?: string; message?: string }[]) : [];
      return fields.length ? fields.map((f) => `${f.path || 'input'}: ${f.message}`).join('; ') : e.message;
    }
    default:
      return e.message;
  }
}
