import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Ids become NATS subject tokens (`ev.room.<roomId>.msg`), so they may never contain `.`, `*`, `>` or
 * whitespace. UUIDs satisfy this; the schema is looser so that tests and imports can choose their own.
 */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');
export type Id = z.infer<typeof Id>;

export function newId(): string {
  return randomUUID();
}
