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
  /**
   * How long a partial batch waits for more events, per projection. A batch costs about a dozen statements
   * whatever its size, so at a few hundred messages a second the batches, not the messages, were a large share
   * of the projectors' and Postgres's CPU (about a third at 400 msg/s: docs/benchmarks.md). The chat
   * projection answers reads that wait for a send (`minSeq`) and keeps 20 ms (PROJECTOR_BATCH_LINGER_MS);
   * search (PROJECTOR_SEARCH_LINGER_MS, 250) and notifications (PROJECTOR_NOTIFICATIONS_LINGER_MS, 100) are
   * read by people a moment later, not by the sender's next read.
   */
  readonly batchLingerMs: Readonly<Record<ProjectionName | 'notifications', number>>;
  /** Standby retry period for the projection lock. */
  readonly lockRetryMs: number;
  /**
   * Postgres pool size (PROJECTORS_DB_POOL_MAX, default 10): shared by the chat, search and notifications
   * projections, the push and email dispatchers, the file reaper and the ops server's readiness check. The
   * projection locks have connections of their own, outside the pool.
   */
  readonly dbPoolMax: number;
  /** Notifications (issue 13): see notifications/notify.config.ts. */
  readonly notify: NotifyConfig;
  /** The projections this process runs (PROJECTOR_PROJECTIONS, comma-separated; default all: chat,search). */
  readonly projections: readonly ProjectionName[];
}

export const ProjectionNames = ['chat', 'search'] as const;
export type ProjectionName = (typeof ProjectionNames)[number];

function projectionList(env: NodeJS.ProcessEnv): ProjectionName[] {
  const raw = (env.PROJECTOR_PROJECTIONS ?? '').trim();
  if (!raw) return [...ProjectionNames];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(ProjectionNames as readonly string[]).includes(n)) throw new Error(`PROJECTOR_PROJECTIONS: unknown projection "${n}" (known: ${ProjectionNames.join(', ')})`);
  if (!names.length) throw new Error('PROJECTOR_PROJECTIONS names no projection');
  return [...new Set(names)] as ProjectionName[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorsConfig {
  return Object.freeze({
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter',
    host: env.HOST || '127.0.0.1',
    port: envInt(env, 'PROJECTORS_PORT', 3004, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    batchMaxEvents: envInt(env, 'PROJECTOR_BATCH_MAX_EVENTS', 500, 1, 5000),
    batchLingerMs: Object.freeze({
      chat: envInt(env, 'PROJECTOR_BATCH_LINGER_MS', 20, 0, 10_000),
      search: envInt(env, 'PROJECTOR_SEARCH_LINGER_MS', 250, 0, 10_000),
      notifications: envInt(env, 'PROJECTOR_NOTIFICATIONS_LINGER_MS', 100, 0, 10_000),
    }),
    lockRetryMs: envInt(env, 'PROJECTOR_LOCK_RETRY_MS', 1000, 10, 60_000),
    dbPoolMax: envInt(env, 'PROJECTORS_DB_POOL_MAX', 10, 1, 200),
    notify: loadNotifyConfig(env),
    projections: projectionList(env),
  });
}
