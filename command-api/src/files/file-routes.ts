import { FileParams, parseOrThrow, type UploadResult } from '@natter/contracts';
import { discardBody, type Admission } from '@natter/infra/runtime';
import type { BearerAuth } from '../shared/auth.guard';
import type { FastifyServer } from '../shared/http-types';
import type { RateLimiter, Rate } from '../shared/rate-limits/rate-limiter';
import { noBody } from '../shared/params';
import { mustBeMultipart, withFilePart } from './multipart';
import type { UploadFile } from './upload-file';
import type { UserAvatars } from './avatar';

const RoomParams = FileParams.pick({ roomId: true });

/**
 * `POST /api/rooms/:roomId/files` (multipart/form-data, one part named `file`): 201 `{file}` (contracts'
 * UploadResult). Registered in a Fastify context of its own whose only body parser is multipart and which
 * leaves the body unread, so the upload streams from the socket to the store instead of the JSON parser's
 * 64 KiB buffer. Token, room and quota are checked before a byte of the body is read. Uploads hold their own
 * slots (`uploadAdmission`, FILES_MAX_CONCURRENT), not the commands': a slow client sending a big file for
 * minutes must not make sends answer `overloaded`.
 */
export function registerFileRoutes(
  fastify: FastifyServer,
  deps: { auth: BearerAuth; commandAdmission: Admission; uploadAdmission: Admission; limiter: RateLimiter; uploadRate: Rate; uploads: UploadFile; avatars: UserAvatars; maxBytes: number; counted: (route: 'file' | 'avatar', outcome: string, bytes?: number) => void },
): void {
  void fastify.register(async (child) => {
    // Any other Content-Type (none, malformed, JSON) is refused here, before Fastify's parser lookup would
    // refuse it with the generic 415 message, which tells the client to send JSON.
    child.addHook('onRequest', async (req) => mustBeMultipart(req.headers['content-type']));
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('multipart/form-data', (_req: unknown, _payload: unknown, done: (err: null, body?: unknown) => void) => done(null));
    child.post('/api/rooms/:roomId/files', async (req, reply) => {
      try {
        // Who, where and how much first (cheap, and an outsider gets 403/404, not `overloaded`); the slot is for
        // reading and storing the bytes.
        const caller = await deps.auth.caller(req.headers.authorization);
        const { roomId } = parseOrThrow(RoomParams, req.params);
        await deps.limiter.take(`upload:${caller.userId}`, deps.uploadRate);
        await deps.uploads.admit(caller, roomId);
        const file = await deps.uploadAdmission.run(() => withFilePart(req.raw, deps.maxBytes, (part) => deps.uploads.store(caller, roomId, part)));
        deps.counted('file', 'stored', file.size);
        void reply.status(201);
        return { file } satisfies UploadResult;
      } catch (err) {
        deps.counted('file', (err as { code?: string }).code ?? 'error');
        // Refused (overloaded included) before or while reading: read (and drop) what the client still sends,
        // so it sees the answer.
        if (!req.raw.complete && !req.raw.destroyed) await discardBody(req.raw, deps.maxBytes);
        throw err;
      }
    });
    // Your picture: PUT an image (multipart, part `file`), DELETE to go back to initials.
    child.put('/api/me/avatar', async (req, reply) => {
      try {
        const caller = await deps.auth.caller(req.headers.authorization);
        await deps.limiter.take(`upload:${caller.userId}`, deps.uploadRate);
        const result = await deps.uploadAdmission.run(() => withFilePart(req.raw, deps.maxBytes, (part) => deps.avatars.set(caller, part)));
        deps.counted('avatar', 'stored');
        void reply.status(200);
        return result;
      } catch (err) {
        deps.counted('avatar', (err as { code?: string }).code ?? 'error');
        if (!req.raw.complete && !req.raw.destroyed) await discardBody(req.raw, deps.maxBytes);
        throw err;
      }
    });
  });
  // Takes no body and is quick: a command like any other, in the commands' slots (a body other than nothing or
  // {} is refused by the JSON-only parser).
  fastify.delete('/api/me/avatar', (req) =>
    deps.commandAdmission.run(async () => {
      const caller = await deps.auth.caller(req.headers.authorization);
      noBody(req.body);
      return deps.avatars.remove(caller);
    }),
  );
}
