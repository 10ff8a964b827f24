/**
 * `@natter/infra/provision`: what a deployment is made of, as code. The event stream and KV bucket
 * definitions (created idempotently, drift logged), the Postgres migrations and read-model schemas, and
 * starting the local servers `npm run up` and the tests use (Postgres, child processes). The deployment files
 * themselves (nginx gateway template) live beside `src/` in `infra/`. Services import none of this at run
 * time; they use `@natter/infra/runtime`.
 */
export { eventStreamConfig, provisionStreams, isNotFound } from './streams';
export { provisionBuckets, PresenceTtlMs, RevokedTtlMs } from './buckets';
export { migrate, createReadModelSchema, readModelSchemaName, READ_MODEL_VERSION } from './migrate';
export { provisionAll } from './provision';
export { spawnTied, stopChild } from './child-process';
export { startLocalPostgres, postgresReachable, ensureDatabase } from './local-postgres';
export type { LocalPostgres } from './local-postgres';
