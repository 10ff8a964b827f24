import { Limits } from '@natter/contracts';
import { acceptJsonBodiesOnly } from '@natter/infra/runtime';
import type { FastifyServer } from './http-types';

/**
 * Bodies are JSON (64 KiB at most, read to the end even when too large, so a client sees the 413 and never a
 * reset) or nothing; any other Content-Type, or a body without one, is 415 unsupported_media_type. A body
 * that is not JSON is 400 bad_json; an empty one is "no body" (commands such as join take none).
 */
export function installJsonParser(fastify: FastifyServer): void {
  acceptJsonBodiesOnly(fastify, Limits.httpBodyBytes);
}
