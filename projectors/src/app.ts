import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { connectNats, NatsFileStore, createKysely, createMetricsRegistry, instrumentNats, MsgDedupeWriter, NatsRequester, serveStatus, type ReadModelDB } from '@natter/infra/runtime';
import { chatProjection } from './chat/chat.projection';
import { startFileReaper } from './files/file-reaper';
import type { ProjectionName, ProjectorsConfig } from './config';
import type { BatchEffects, Projection } from './runtime/projection';
import { searchProjection } from './search/search.projection';
import { startOpsServer } from './http/ops-server';
import { ProjectorMetrics } from './runtime/metrics';
import { ProjectionRunner } from './runtime/projection-runner';
import { RebuildService } from './runtime/rebuild-service';
import { watchStreamStats } from './runtime/stream-stats';
import { upgradeReadModel, type UpgradeStatus } from './runtime/upgrade';
import { startNotifications, type NotificationsService } from './notifications/notifications.service';

/**
 * Starts the projector process: the `chat` projection (active, or standby behind the advisory lock) and the
 * ops HTTP server. Provisioning (stream, schemas) is not done here: run `provisionAll` first (npm run up).
 * A live read model of an older version is first rebuilt into this code's version (upgrade.ts); the process
 * is ready meanwhile (its /readyz says `upgrading` with the progress) and projects once it is done.
 */
export interface RunningProjection {
  runner: ProjectionRunner;
  metrics: ProjectorMetrics;
}

/** What a projection's status says (admin panel, natter.status): role, checkpoint, lag; backfilling while far behind. */
function projectionStatus(p: RunningProjection) {
  const { role, schema } = p.runner;
  const { appliedSeq, streamLastSeq, lag } = p.metrics;
  return { role, schema, appliedSeq, streamLastSeq, lag, backfilling: role === 'active' && lag > 2000, percent: streamLastSeq > 0 ? Math.min(100, Math.floor((appliedSeq / streamLastSeq) * 1000) / 10) : 100 };
}

export async function startProjectors(config: ProjectorsConfig, log: Logger): Promise<{ close(): Promise<void>; port: number; runner: ProjectionRunner; metrics: ProjectorMetrics; projections: ReadonlyMap<string, RunningProjection>; notifications: NotificationsService | null }> {
  const nc = await connectNats(config.natsUrl, 'projectors', log.child({ component: 'nats' }));
  // Prepared statements: a projection runs the same few statements every batch (PreparingPool).
  const db = createKysely<ReadModelDB>(config.databaseUrl, config.dbPoolMax, { prepare: true });
  const registry = createMetricsRegistry();
  instrumentNats(nc, registry);
  // Every send's dedupe record is written here, from the committed event, before its batch commits: command-api
  // answers a send with one JetStream write, and no crash of command-api can lose a record (docs/architecture.md).
  // Only the chat projection does it (one writer; the search projection has no effects outside Postgres).
  const requests = new NatsRequester(nc);
  const dedupe = new MsgDedupeWriter(requests);
  const known: Record<ProjectionName, { projection: Projection; effects?: BatchEffects }> = {
    chat: { projection: chatProjection, effects: (events) => dedupe.putSends(events) },
    search: { projection: searchProjection },
  };
  // Each projection has its own runner: its own advisory lock (active/standby), checkpoint and metrics label.
  const projections = new Map<string, RunningProjection>();
  for (const name of config.projections) {
    const { projection, effects } = known[name];
    const metrics = new ProjectorMetrics(projection.name, registry);
    const runner = new ProjectionRunner(nc, db, config.databaseUrl, projection, metrics, log.child({ component: 'projection', projection: projection.name }), {
      batch: { maxEvents: config.batchMaxEvents, lingerMs: config.batchLingerMs[name] },
      lockRetryMs: config.lockRetryMs,
      effects,
    });
    projections.set(name, { runner, metrics });
  }
  const main = projections.get('chat') ?? [...projections.values()][0];
  const { runner, metrics } = main;
  // Notifications (issue 13): a projection in its own schema with its own lock, plus the push and email outbox.
  const notifications = config.notify.enabled
    ? startNotifications(nc, db, config.databaseUrl, config.notify, { maxEvents: config.batchMaxEvents, lingerMs: config.batchLingerMs.notifications }, config.lockRetryMs, log.child({ component: 'notifications' }), registry, config.port)
    : null;
  const stopping = new AbortController();
  let upgrade: UpgradeStatus | null = null;
  const upgradeLog = log.child({ component: 'upgrade' });
  const started = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await upgradeReadModel(nc, db, config.databaseUrl, upgradeLog, { signal: stopping.signal, onProgress: (s) => (upgrade = s) });
        upgrade = null;
        if (!stopping.signal.aborted) for (const p of projections.values()) p.runner.start();
        return;
      } catch (err) {
        if (stopping.signal.aborted) return;
        upgradeLog.error({ err }, 'read model upgrade failed; trying again in 5 s');
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  })();

  // Every projection of the process, notifications included (its runner is started by its service, not above):
  // the stream poll gives each its lag, and the status shows each.
  const everyProjection = (): [string, RunningProjection][] => [...projections, ...(notifications ? [['notifications', notifications] as [string, RunningProjection]] : [])];
  const statusByProjection = () => Object.fromEntries(everyProjection().map(([name, p]) => [name, projectionStatus(p)]));
  const streamStats = await watchStreamStats(nc, everyProjection().map(([, p]) => p.metrics), registry, log.child({ component: 'stream-stats' }));
  // Deleting a message deletes its files (issue 13): a durable consumer of its own, beside the projection.
  const reaper = await startFileReaper(nc, db as unknown as Kysely<unknown>, await NatsFileStore.open(nc), registry, log.child({ component: 'file-reaper' }));

  const ops = await startOpsServer(config.host, config.port, {
    ready: async () => {
      const natsOk = !nc.isClosed();
      const pgOk = await sql`select 1`.execute(db).then(() => true, () => false);
      return { ok: natsOk && pgOk, nats: natsOk, postgres: pgOk, role: upgrade ? 'upgrading' : runner.role, schema: runner.schema, appliedSeq: metrics.appliedSeq, projections: statusByProjection(), ...(upgrade ? { upgrade } : {}) };
    },
    metrics: { contentType: registry.contentType, render: () => registry.metrics() }, // the stream's figures come from the 2 s poll
  });
  log.info({ host: config.host, port: ops.port }, 'projectors ops server listening');

  // The admin panel: the rebuild button, and this instance's part of the system status.
  const rebuild = new RebuildService(nc, db, config.databaseUrl, log.child({ component: 'rebuild' }));
  rebuild.start();
  const statusSub = serveStatus(nc, 'projectors', `${hostname()}:${ops.port}`, () => ({
    ok: !nc.isClosed(),
    details: {
      role: runner.role, schema: runner.schema, appliedSeq: metrics.appliedSeq, streamLastSeq: metrics.streamLastSeq, lag: metrics.lag, rebuild: rebuild.current,
      // Per projection (issue 12): the search projection's back-fill shows here, in the admin panel's System page.
      projections: statusByProjection(),
    },
  }), log.child({ component: 'status' }));

  return {
    port: ops.port,
    runner,
    metrics,
    notifications,
    projections,
    close: async () => {
      await notifications?.close();
      statusSub.unsubscribe();
      rebuild.stop();
      streamStats.stop();
      await reaper.stop();
      stopping.abort();
      await started;
      await new Promise<void>((r) => ops.server.close(() => r()));
      ops.server.closeAllConnections();
      await Promise.all([...projections.values()].map((p) => p.runner.stop()));
      await nc.drain().catch(() => nc.close());
      requests.close();
      await db.destroy();
    },
  };
}
