/**
 * `@natter/infra/provision`: what a deployment is made of, as code. The event stream and KV bucket
 * definitions (created idempotently, drift logged), the Postgres migrations and read-model schemas, and
 * starting the local servers `npm run up` and the tests use (Postgres, child processes). The deployment files
 * themselves (nginx gateway template, infra/deploy/, infra/observability/) live beside `src/` in `infra/`.
 * Services use `@natter/infra/runtime`; projectors and query-api also take the read model's definition
 * (READ_MODEL_VERSION, createReadModelSchema) from here, to upgrade an older read model.
 */
export { eventStreamConfig, provisionStreams, isNotFound } from './streams';
export { provisionBuckets, PresenceTtlMs, RevokedTtlMs } from './buckets';
export { migrate, createReadModelSchema, ensureSearchTables, readModelSchemaName, READ_MODEL_VERSION } from './migrate';
export { provisionAll } from './provision';
export { spawnTied, stopChild } from './child-process';
export { startLocalPostgres, postgresReachable, ensureDatabase } from './local-postgres';
export type { LocalPostgres } from './local-postgres';
