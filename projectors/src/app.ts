import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { connectNats, NatsFileStore, createKysely, createMetricsRegistry, instrumentNats, MsgDedupeWriter, NatsRequester, serveStatus, type ReadModelDB } from '@natter/infra/runtime';
import { chatProjection } from './chat/chat.projection';
import { startFileReaper } from './files/file-reaper';
import type { ProjectorsConfig } from './config';
import { startOpsServer } from './http/ops-server';
import { ProjectorMetrics } from './runtime/metrics';
import { ProjectionRunner } from './runtime/projection-runner';
import { RebuildService } from './runtime/rebuild-service';
import { watchStreamStats } from './runtime/stream-stats';
import { upgradeReadModel, type UpgradeStatus } from './runtime/upgrade';
import { startNotifications, type NotificationsService } from './notifications/notifications.service';
import { renderMetrics } from './runtime/render-metrics';

/**
 * Starts the projector process: the `chat` projection (active, or standby behind the advisory lock) and the
 * ops HTTP server. Provisioning (stream, schemas) is not done here: run `provisionAll` first (npm run up).
 * A live read model of an older version is first rebuilt into this code's version (upgrade.ts); the process
 * is ready meanwhile (its /readyz says `upgrading` with the progress) and projects once it is done.
 */
export async function startProjectors(config: ProjectorsConfig, log: Logger): Promise<{ close(): Promise<void>; port: number; runner: ProjectionRunner; metrics: ProjectorMetrics; notifications: NotificationsService | null }> {
  const nc = await connectNats(config.natsUrl, 'projectors', log.child({ component: 'nats' }));
  const db = createKysely<ReadModelDB>(config.databaseUrl, 4);
  const registry = createMetricsRegistry();
  instrumentNats(nc, registry);
  const metrics = new ProjectorMetrics(chatProjection.name, registry);
  // Every send's dedupe record is written here, from the committed event, before its batch commits: command-api
  // answers a send with one JetStream write, and no crash of command-api can lose a record (docs/architecture.md).
  const requests = new NatsRequester(nc);
  const dedupe = new MsgDedupeWriter(requests);
  const runner = new ProjectionRunner(nc, db, config.databaseUrl, chatProjection, metrics, log.child({ component: 'projection', projection: chatProjection.name }), {
    batch: { maxEvents: config.batchMaxEvents, lingerMs: config.batchLingerMs },
    lockRetryMs: config.lockRetryMs,
    effects: (events) => dedupe.putSends(events),
  });
  // Notifications (issue 13): a second projection, in its own schema with its own lock, plus the push outbox.
  const notifications = config.notify.enabled
    ? startNotifications(nc, db, config.databaseUrl, config.notify, { maxEvents: config.batchMaxEvents, lingerMs: config.batchLingerMs }, config.lockRetryMs, log.child({ component: 'notifications' }), config.port)
    : null;
  const stopping = new AbortController();
  let upgrade: UpgradeStatus | null = null;
  const upgradeLog = log.child({ component: 'upgrade' });
  const started = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await upgradeReadModel(nc, db, config.databaseUrl, upgradeLog, { signal: stopping.signal, onProgress: (s) => (upgrade = s) });
        upgrade = null;
        if (!stopping.signal.aborted) runner.start();
        return;
      } catch (err) {
        if (stopping.signal.aborted) return;
        upgradeLog.error({ err }, 'read model upgrade failed; trying again in 5 s');
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  })();

  const streamStats = await watchStreamStats(nc, metrics, registry, log.child({ component: 'stream-stats' }));
  // Deleting a message deletes its files (issue 13): a durable consumer of its own, beside the projection.
  const reaper = await startFileReaper(nc, db as unknown as Kysely<unknown>, await NatsFileStore.open(nc), registry, log.child({ component: 'file-reaper' }));

  const ops = await startOpsServer(config.host, config.port, {
    ready: async () => {
      const natsOk = !nc.isClosed();
      const pgOk = await sql`select 1`.execute(db).then(() => true, () => false);
      return { ok: natsOk && pgOk, nats: natsOk, postgres: pgOk, role: upgrade ? 'upgrading' : runner.role, schema: runner.schema, appliedSeq: metrics.appliedSeq, ...(upgrade ? { upgrade } : {}) };
    },
    metrics: { contentType: registry.contentType, render: () => renderMetrics([registry, ...(notifications ? [notifications.registry] : [])]) }, // the stream's figures come from the 2 s poll
  });
  log.info({ host: config.host, port: ops.port }, 'projectors ops server listening');

  // The admin panel: the rebuild button, and this instance's part of the system status.
  const rebuild = new RebuildService(nc, db, config.databaseUrl, log.child({ component: 'rebuild' }));
  rebuild.start();
  const statusSub = serveStatus(nc, 'projectors', `${hostname()}:${ops.port}`, () => ({
    ok: !nc.isClosed(),
    details: { role: runner.role, schema: runner.schema, appliedSeq: metrics.appliedSeq, streamLastSeq: metrics.streamLastSeq, lag: metrics.lag, rebuild: rebuild.current },
  }), log.child({ component: 'status' }));

  return {
    port: ops.port,
    runner,
    metrics,
    notifications,
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
      await runner.stop();
      await nc.drain().catch(() => nc.close());
      requests.close();
      await db.destroy();
    },
  };
}
