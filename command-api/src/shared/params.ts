import { z } from 'zod';
import { Id, LogoutBody, parseOrThrow } from '@natter/contracts';

/** Schemas per key list, built once: building a zod object costs ~100x parsing with it (send is a hot path). */
const paramSchemas = new Map<string, z.ZodType>();

/** Path parameters that are ids (they become NATS subject tokens, so they are validated like bodies). */
export function idParams<K extends string>(params: unknown, ...keys: K[]): Record<K, string> {
  const name = keys.join(',');
  let schema = paramSchemas.get(name);
  if (!schema) {
    schema = z.object(Object.fromEntries(keys.map((k) => [k, Id])));
    paramSchemas.set(name, schema);
  }
  return parseOrThrow(schema, params) as Record<K, string>;
}

/** Routes that take no body accept none, or `{}`; anything else (`null` too) is a validation error (strict bodies). */
export function noBody(body: unknown): void {
  parseOrThrow(LogoutBody, body === undefined ? {} : body);
}
