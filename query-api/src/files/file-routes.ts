import { Readable } from 'node:stream';
import { FileParams, Id, NatterError, parseOrThrow } from '@natter/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Authenticator } from '../http/auth';
import type { FileDownload, FilesService } from './files.service';

/**
 * The policy for every byte served from the store (docs/architecture.md, "Files"). An uploaded file is
 * never a document of the app's origin: `nosniff` (the browser keeps the sniffed type we stored), a CSP
 * `sandbox` with nothing allowed (even an HTML file opened in a tab cannot run script, or reach the app's
 * storage: it is an opaque origin), and `Content-Disposition: attachment` for everything that is not an
 * image, audio or video. `private, no-cache`: caches may keep it, but must ask (and so be authorized) again.
 */
export const FileSecurityHeaders = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'private, no-cache',
});

const NoQuery = z.strictObject({});

/** `GET /api/rooms/:roomId/files/:fileId` (the file, ranges allowed) and `.../thumb` (an image's thumbnail). */
export function registerFileRoutes(app: FastifyInstance, auth: Authenticator, files: FilesService): void {
  for (const which of ['file', 'thumb'] as const) {
    app.get(which === 'file' ? '/api/rooms/:roomId/files/:fileId' : '/api/rooms/:roomId/files/:fileId/thumb', async (req, reply) => {
      const caller = await auth.authenticate(req.headers.authorization);
      const { roomId, fileId } = parseOrThrow(FileParams, req.params);
      parseOrThrow(NoQuery, req.query ?? {});
      const got = await files.open(caller, roomId, fileId, which, which === 'file' ? req.headers.range : undefined, req.headers['if-none-match']);
      void reply.headers(FileSecurityHeaders);
      if ('unsatisfiable' in got) return reply.status(416).header('content-range', `bytes */${got.unsatisfiable}`).type('application/json').send(new NatterError('range_not_satisfiable').toBody());
      if ('notModified' in got) return reply.status(304).header('etag', got.notModified.etag).send();
      return send(reply, got);
    });
  }
}

/** `GET /api/users/:userId/avatar`: the user's picture (WebP), or 404 not_found for none. */
export function registerAvatarRoute(app: FastifyInstance, auth: Authenticator, files: FilesService): void {
  app.get('/api/users/:userId/avatar', async (req, reply) => {
    const caller = await auth.authenticate(req.headers.authorization);
    const { userId } = parseOrThrow(UserParams, req.params);
    parseOrThrow(NoQuery, req.query ?? {});
    const got = await files.avatar(caller, userId, req.headers['if-none-match']);
    void reply.headers(FileSecurityHeaders);
    if ('notModified' in got) return reply.status(304).header('etag', got.notModified.etag).send();
    return send(reply, got);
  });
}
const UserParams = z.strictObject({ userId: Id });

function send(reply: FastifyReply, f: FileDownload) {
  const length = f.range ? f.range.end - f.range.start + 1 : f.object.size;
  void reply
    .status(f.range ? 206 : 200)
    .header('content-type', f.type)
    .header('content-length', String(length))
    .header('accept-ranges', 'bytes')
    .header('etag', f.object.etag)
    .header('last-modified', new Date(f.object.modified).toUTCString())
    .header('content-disposition', contentDisposition(f.inline ? 'inline' : 'attachment', f.name));
  if (f.range) void reply.header('content-range', `bytes ${f.range.start}-${f.range.end}/${f.object.size}`);
  return reply.send(Readable.from(f.body));
}

/** RFC 6266: an ASCII fallback and the UTF-8 name (RFC 8187), so no name can break the header. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}
