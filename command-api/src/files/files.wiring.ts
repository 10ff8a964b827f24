import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FileLimits } from '@natter/contracts';
import { Admission, type FileStore } from '@natter/infra/runtime';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CommandApiConfig } from '../config';
import { BearerAuth } from '../shared/auth.guard';
import { AggregateRepository } from '../shared/aggregates';
import type { FastifyServer } from '../shared/http-types';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { registerFileRoutes } from './file-routes';
import { ImageWorker } from './image-worker';
import { UploadFile } from './upload-file';
import { UserAvatars } from './avatar';
import { UploadsRepository } from './uploads.repository';
import type { FilesDB } from './uploads.table';

/** The files feature's HTTP side (uploads), wired from what Nest already holds plus the file store. */
export function installFiles(app: NestFastifyApplication, fastify: FastifyServer, rt: { config: CommandApiConfig; db: Kysely<unknown>; store: FileStore; log: Logger }): void {
  const images = new ImageWorker({ maxPixels: rt.config.files.imageMaxPixels, thumbPx: FileLimits.thumbMaxPx, concurrency: rt.config.files.imageConcurrency });
  const uploads = new UploadFile({
    store: rt.store,
    uploads: new UploadsRepository(rt.db as Kysely<FilesDB>),
    aggregates: app.get(AggregateRepository),
    images,
    settings: rt.config.files,
    log: rt.log,
  });
  registerFileRoutes(fastify, {
    auth: app.get(BearerAuth),
    admission: app.get(Admission),
    limiter: app.get<typeof RATE_LIMITER, RateLimiter>(RATE_LIMITER),
    uploadRate: rt.config.limits.uploadsPerUser,
    uploads,
    avatars: new UserAvatars({ store: rt.store, aggregates: app.get(AggregateRepository), images, maxBytes: rt.config.files.maxBytes, log: rt.log }),
    maxBytes: rt.config.files.maxBytes,
  });
}
