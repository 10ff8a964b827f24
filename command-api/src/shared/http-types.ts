import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The few Fastify shapes we touch, without importing `fastify` directly: the copy that runs is the one
 * @nestjs/platform-fastify depends on, so the types come through it.
 */
export type FastifyServer = ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>;

export interface HttpReply {
  status(code: number): HttpReply;
  header(name: string, value: string): HttpReply;
  send(body: unknown): unknown;
}

export interface HttpRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}
