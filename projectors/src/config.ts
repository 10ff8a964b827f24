import { envInt } from '@natter/infra/runtime';
import { loadNotifyConfig, type NotifyConfig } from './notifications/notify.config';

/** Projector configuration: parsed from the environment once, frozen, failing fast on bad values. */
export interface ProjectorsConfig {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly host: string;
  /** Port of /healthz, /readyz, /metrics; 0 picks a free one (tests). */
  readonly port: number;
  readonly logLevel: string;
  /** Most events per batch (one Postgres transaction). */
  readonly batchMaxEvents: number;
  /** How long a partial batch waits for more events. */
  readonly batchLingerMs: number;
  /** Standby retry period for the projection lock. */
  readonly lockRetryMs: number;
  /** Notifications (issue 13): see notifications/notify.config.ts. */
  readonly notify: NotifyConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorsConfig {
  return Object.freeze({
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter',
    host: env.HOST || '127.0.0.1',
    port: envInt(env, 'PROJECTORS_PORT', 3004, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    batchMaxEvents: envInt(env, 'PROJECTOR_BATCH_MAX_EVENTS', 500, 1, 5000),
    batchLingerMs: envInt(env, 'PROJECTOR_BATCH_LINGER_MS', 20, 0, 10_000),
    lockRetryMs: envInt(env, 'PROJECTOR_LOCK_RETRY_MS', 1000, 10, 60_000),
    notify: loadNotifyConfig(env),
  });
}
