import { z } from 'zod';
import { Id, LogoutBody, parseOrThrow } from '@natter/contracts';

/**
 * A route's path parameters, each validated by the command input's schema for it (ids, a message's seq), or as
 * an id when the input does not name it. The schema is built once per route: building a zod object costs ~100x
 * parsing with it (send is a hot path).
 */
export function pathParamsParser(input: z.ZodType, keys: string[]): (params: unknown) => Record<string, unknown> {
  const shape = input instanceof z.ZodObject ? (input.shape as Record<string, z.ZodType>) : {};
  const schema = z.object(Object.fromEntries(keys.map((k) => [k, shape[k] ?? Id])));
  return (params) => parseOrThrow(schema, params) as Record<string, unknown>;
}

/** Routes that take no body accept none, or `{}`; anything else (`null` too) is a validation error (strict bodies). */
export function noBody(body: unknown): void {
  parseOrThrow(LogoutBody, body === undefined ? {} : body);
}
