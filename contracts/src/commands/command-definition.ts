import type { z } from 'zod';
import type { ErrorCode } from '../errors';

/**
 * One command, as every transport and the API document see it. command-api registers its HTTP route and
 * (when `nats`) its NATS endpoint `natter.cmd.<Name>` from this alone, validates with `input`, and answers
 * the handler's result; query-api's OpenAPI document is generated from it. The handler is the only other
 * place a command lives.
 */
export interface CommandDefinition {
  /**
   * The validated input: the HTTP body merged with the path parameters (ids), which is also exactly what a
   * NATS request carries as `input`.
   */
  readonly input: z.ZodType;
  readonly result: z.ZodType;
  /** 'bearer': an access token (HTTP) or the edge's `auth` (NATS) names the caller. 'none': anyone. */
  readonly auth: 'bearer' | 'none';
  readonly http: {
    readonly method: 'post' | 'patch' | 'delete';
    /** `/api/rooms/:roomId/members/:userId`: every `:param` is an id and goes into the input. */
    readonly path: string;
    /** The body's schema (the input without the path parameters). None: the route takes no body, or `{}`. */
    readonly body?: z.ZodType;
    readonly status: number;
    /** A result with `duplicate: true` (an idempotent retry) answers this status instead. */
    readonly duplicateStatus?: number;
  };
  /** Also a NATS request endpoint for the edge (queue group `command-api`). */
  readonly nats: boolean;
  /** For the API document: */
  readonly summary: string;
  readonly description?: string;
  readonly resultDescription: string;
  /** Route-specific error codes; auth, validation and internal ones are added by the generator. */
  readonly errors: readonly ErrorCode[];
}

export type CommandDefinitions = Readonly<Record<string, CommandDefinition>>;

/** The path parameters of a route, in order (`/api/rooms/:roomId/members/:userId` -> roomId, userId). */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
}
