import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FileLimits } from '@natter/contracts';
import { Admission, Counter, type FileStore } from '@natter/infra/runtime';
import { Metrics } from '../shared/metrics';
import { sweepUnattached } from './unattached-sweeper';
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

/**
 * The files feature's HTTP side (uploads, pictures), wired from what Nest already holds plus the file store,
 * and the sweeper of uploads never attached. stop() ends the sweeper.
 */
export function installFiles(app: NestFastifyApplication, fastify: FastifyServer, rt: { config: CommandApiConfig; db: Kysely<unknown>; store: FileStore; log: Logger }): { stop(): void } {
  const images = new ImageWorker({ maxPixels: rt.config.files.imageMaxPixels, thumbPx: FileLimits.thumbMaxPx, concurrency: rt.config.files.imageConcurrency });
  const uploads = new UploadFile({
    store: rt.store,
    uploads: new UploadsRepository(rt.db as Kysely<FilesDB>),
    aggregates: app.get(AggregateRepository),
    images,
    settings: rt.config.files,
    log: rt.log,
  });
  const metrics = app.get(Metrics);
  const uploads_ = new Counter({ name: 'natter_file_uploads_total', help: 'Uploads by route (file, avatar) and outcome (stored, or the error code).', labelNames: ['route', 'outcome'], registers: [metrics.registry] });
  const bytes = new Counter({ name: 'natter_file_upload_bytes_total', help: 'Bytes of files stored.', registers: [metrics.registry] });
  registerFileRoutes(fastify, {
    counted: (route, outcome, n) => {
      uploads_.inc({ route, outcome });
      if (n) bytes.inc(n);
    },
    auth: app.get(BearerAuth),
    commandAdmission: app.get(Admission),
    // Uploads' own slots (FILES_MAX_CONCURRENT), so slow uploads never make commands answer `overloaded`. The
    // count bound only (targetMs Infinity): an upload takes as long as its client sends, so the queue rule
    // (even the quickest request slower than 100 ms) would always hold and shed nearly every upload.
    uploadAdmission: new Admission(rt.config.files.maxConcurrent, 500, Infinity),
    limiter: app.get<typeof RATE_LIMITER, RateLimiter>(RATE_LIMITER),
    uploadRate: rt.config.limits.uploadsPerUser,
    uploads,
    avatars: new UserAvatars({ store: rt.store, aggregates: app.get(AggregateRepository), images, maxBytes: rt.config.files.maxBytes, log: rt.log }),
    maxBytes: rt.config.files.maxBytes,
  });
  const swept = new Counter({ name: 'natter_files_unattached_removed_total', help: 'Uploads removed because no message took them in time.', registers: [metrics.registry] });
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepUnattached(rt.db as Kysely<FilesDB>, rt.store, rt.config.files.unattachedTtlMs, rt.log)
      .then((n) => swept.inc(n), (err) => rt.log.warn({ err }, 'sweeping unattached uploads failed; next round retries'))
      .finally(() => (sweeping = false));
  }, rt.config.files.sweepEveryMs).unref();
  return { stop: () => clearInterval(timer) };
}
