import { jetstreamManager } from '@nats-io/jetstream';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { Streams } from '@natter/contracts';
import { connectNats, createKysely, MsgDedupeWriter, NatsRequester, type ReadModelDB } from '@natter/infra/runtime';
import { chatProjection } from './chat/chat.projection';
import type { ProjectorsConfig } from './config';
import { startOpsServer } from './http/ops-server';
import { ProjectorMetrics } from './runtime/metrics';
import { ProjectionRunner } from './runtime/projection-runner';

/**
 * Starts the projector process: the `chat` projection (active, or standby behind the advisory lock) and the
 * ops HTTP server. Provisioning (stream, schemas) is not done here: run `provisionAll` first (npm run up).
 */
export async function startProjectors(config: ProjectorsConfig, log: Logger): Promise<{ close(): Promise<void>; port: number; runner: ProjectionRunner; metrics: ProjectorMetrics }> {
  const nc = await connectNats(config.natsUrl, 'projectors', log.child({ component: 'nats' }));
  const db = createKysely<ReadModelDB>(config.databaseUrl, 4);
  const metrics = new ProjectorMetrics(chatProjection.name);
  // Every send's dedupe record is written here, from the committed event, before its batch commits: command-api
  // answers a send with one JetStream write, and no crash of command-api can lose a record (docs/architecture.md).
  const requests = new NatsRequester(nc);
  const dedupe = new MsgDedupeWriter(requests);
  const runner = new ProjectionRunner(nc, db, config.databaseUrl, chatProjection, metrics, log.child({ component: 'projection', projection: chatProjection.name }), {
    batch: { maxEvents: config.batchMaxEvents, lingerMs: config.batchLingerMs },
    lockRetryMs: config.lockRetryMs,
    effects: (events) => dedupe.putSends(events),
  });
  runner.start();

  const jsm = await jetstreamManager(nc);
  const refreshStreamSeq = async () => {
    const info = await jsm.streams.info(Streams.events);
    metrics.streamLastSeq = Math.max(metrics.streamLastSeq, info.state.last_seq);
  };
  const poll = setInterval(() => void refreshStreamSeq().catch(() => {}), 2000);
  poll.unref();

  const ops = await startOpsServer(config.host, config.port, {
    ready: async () => {
      const natsOk = !nc.isClosed();
      const pgOk = await sql`select 1`.execute(db).then(() => true, () => false);
      return { ok: natsOk && pgOk, nats: natsOk, postgres: pgOk, role: runner.role, schema: runner.schema, appliedSeq: metrics.appliedSeq };
    },
    metrics: async () => metrics.render(), // the stream's last seq comes from the 2 s poll above
  });
  log.info({ host: config.host, port: ops.port }, 'projectors ops server listening');

  return {
    port: ops.port,
    runner,
    metrics,
    close: async () => {
      clearInterval(poll);
      await new Promise<void>((r) => ops.server.close(() => r()));
      ops.server.closeAllConnections();
      await runner.stop();
      await nc.drain().catch(() => nc.close());
      requests.close();
      await db.destroy();
    },
  };
}
