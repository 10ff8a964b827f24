import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { hostname } from 'node:os';
import { Buckets, Limits } from '@natter/contracts';
import { Admission, NatsFileStore, connectNats, createKysely, createMetricsRegistry, exposeValues, httpServerOptions, instrumentNats, NatsRequester, PgChannels, loadVerifyKey, serveStatus, watchPresence, watchRevocations, type ReadModelDB } from '@natter/infra/runtime';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { QueryApiConfig } from './config';
import { AdminService } from './admin/admin.service';
import { SystemStatusService } from './admin/system-status';
import { Authenticator } from './http/auth';
import { installErrorHandlers } from './http/errors';
import { Metrics } from './http/metrics';
import { registerQueryRoutes } from './http/routes';
import { HistoryService } from './messages/history.service';
import { SearchService } from './search/search.service';
import { FilesService } from './files/files.service';
import { registerAvatarRoute, registerFileRoutes } from './files/file-routes';
import { serveMessageQueries } from './nats/messages.endpoints';
import { serveSharesRoom } from './nats/shares-room.endpoint';
import { serveUserRooms } from './nats/user-rooms.endpoint';
import { buildOpenApiDocument } from './openapi/document';
import { ActiveSchema } from './read-model/active-schema';
import { PgListener } from './read-model/pg-listener';
import { PresenceService } from './presence/presence.service';
import { ProjectionWatch } from './read-model/projection-watch';
import { ReadModelReader } from './read-model/reader';
import { RoomMetaHeads } from './read-model/room-meta-heads';
import { RoomsService } from './rooms/rooms.service';
import { LastSeen } from './users/last-seen';
import { UsersService } from './users/users.service';
import { NotificationsRepository } from './notifications/notifications.repository';
import { registerNotificationRoutes } from './notifications/notifications.routes';
import { NotificationsService } from './notifications/notifications.service';

export interface QueryApi {
  close(): Promise<void>;
  port: number;
}

/**
 * Starts query-api: Postgres pool + one LISTEN connection, NATS (for the user-rooms endpoint), and the Fastify
 * server. Resolves once it is listening; `close()` stops accepting, fails pending minSeq waits and
 * disconnects everything.
 */
export async function startQueryApi(config: QueryApiConfig, log: Logger): Promise<QueryApi> {
  const key = await loadVerifyKey({ NATTER_JWT_PUBLIC_KEY: config.jwtPublicKeyPem });
  // Not PreparingPool: prepared reads gained nothing measured (docs/benchmarks.md), and a prepared statement may
  // settle on a generic plan, with which the directory's prefix search (`term like $1`) cannot use its index.
  // Reads are planned with their values.
  const db = createKysely<ReadModelDB>(config.databaseUrl, config.dbPoolMax);
  const metrics = new Metrics(createMetricsRegistry());
  // Load shedding for reads, HTTP and NATS together (infra's Admission): past it `overloaded`, at once. The
  // count bound only: a read waiting for `minSeq` (up to 5 s, on the projector) is no queue in this process.
  const admission = new Admission(config.maxInFlight, 500, Infinity);
  const active = new ActiveSchema(db, config.schemaPollMs, log.child({ component: 'active-schema' }));
  const cleanups: (() => Promise<void> | void)[] = [() => db.destroy()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((err) => log.warn({ err }, 'cleanup step failed'));
  };
  try {
    await active.start();
    cleanups.push(() => active.stop());
    const nc = await connectNats(config.natsUrl, 'query-api', log.child({ component: 'nats' }));
    instrumentNats(nc, metrics.registry);
    cleanups.push(async () => {
      await nc.drain().catch(() => nc.close());
    });
    const requests = new NatsRequester(nc);
    cleanups.push(() => requests.close());
    const roomHeads = await RoomMetaHeads.create(requests);

    const reader: { current?: ReadModelReader } = {};
    const watch = new ProjectionWatch(active, (schema) => reader.current!.checkpointOf(schema), config.minSeqPollMs, log.child({ component: 'projection-watch' }));
    reader.current = new ReadModelReader(db, active, watch, metrics, roomHeads);
    cleanups.push(() => watch.close());

    const listener = new PgListener(
      config.databaseUrl,
      {
        [PgChannels.projection]: (payload) => watch.notified(payload),
        [PgChannels.readModel]: () => void active.refresh().then(() => watch.wake()).catch((err) => log.warn({ err }, 'active schema refresh failed')),
      },
      log.child({ component: 'pg-listener' }),
      // After a (re)connect, anything may have changed while we were not listening.
      () => void active.refresh().then(() => watch.wake()).catch(() => {}),
    );
    await listener.start();
    cleanups.push(() => listener.close());

    serveUserRooms(nc, reader.current, metrics, admission, log.child({ component: 'user-rooms' }));
    serveSharesRoom(nc, reader.current, metrics, admission, log.child({ component: 'shares-room' }));
    serveMessageQueries(nc, reader.current, metrics, admission, log.child({ component: 'message-queries' }));
    // Presence (KV natter_presence) mirrored in memory; staleness is judged at read time.
    const presence = watchPresence(nc, log.child({ component: 'presence' }), { pruneEveryMs: 15_000 });
    cleanups.push(() => presence.stop());
    // Revoked sessions/users (KV natter_revoked), loaded before the first request is served.
    const revocations = watchRevocations(nc, log.child({ component: 'revocations' }));
    cleanups.push(() => revocations.stop());
    await revocations.ready;
    await presence.ready;

    const app = Fastify({ loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), ...httpServerOptions(Limits.httpBodyBytes) });
    installErrorHandlers(app, Limits.httpBodyBytes, metrics);
    // Only the API is shed: health, readiness and metrics answer however busy the process is.
    const admitted = new WeakMap<object, number>();
    const release = async (req: object) => {
      const started = admitted.get(req);
      if (started === undefined) return;
      admitted.delete(req);
      admission.leave(started);
    };
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith('/api/')) return;
      admitted.set(req, admission.enter());
    });
    app.addHook('onRequestAbort', release);
    app.addHook('onResponse', async (req, reply) => {
      await release(req);
      metrics.request(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    });

    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      const checks = {
        nats: !nc.isClosed() && !nc.isDraining(),
        postgres: await sql`select 1`.execute(db).then(() => true, () => false),
        listener: listener.isListening,
      };
      const ready = checks.nats && checks.postgres;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, schema: active.current });
    });
    exposeValues(metrics.registry, [
      { name: 'natter_query_minseq_waiting', type: 'gauge', help: 'Reads waiting for minSeq right now.', value: () => watch.waiting },
      { name: 'natter_query_pg_listener_up', type: 'gauge', help: '1 while the LISTEN connection is up.', value: () => (listener.isListening ? 1 : 0) },
      { name: 'natter_query_revocations', type: 'gauge', help: 'Revoked sessions and users held in memory.', value: () => revocations.size },
      { name: 'natter_query_presence_connections', type: 'gauge', help: 'Presence entries (connections) held in memory.', value: () => presence.directory.size },
    ]);
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
    const openapi = JSON.stringify(buildOpenApiDocument());
    app.get('/api/openapi.json', async (_req, reply) => reply.type('application/json').send(openapi));

    const lastSeen = new LastSeen(await new Kvm(nc).open(Buckets.lastSeen));
    const authenticator = new Authenticator(key, revocations);
    const files = new FilesService(reader.current, await NatsFileStore.open(nc));
    registerFileRoutes(app, authenticator, files);
    registerAvatarRoute(app, authenticator, files);
    registerNotificationRoutes(app, authenticator, new NotificationsService(new NotificationsRepository(db)), config.vapidPublicKey);
    registerQueryRoutes(app, authenticator, {
      users: new UsersService(reader.current, presence.directory, lastSeen),
      rooms: new RoomsService(reader.current),
      history: new HistoryService(reader.current),
      presence: new PresenceService(presence.directory),
      admin: new AdminService(reader.current),
      status: new SystemStatusService(reader.current, active, nc, await jetstreamManager(nc), config.searchReadyLag),
      search: new SearchService(reader.current, config.searchReadyLag, config.searchBandWidth),
    });

    await app.listen({ host: config.host, port: config.port });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const statusSub = serveStatus(nc, 'query-api', `${hostname()}:${port}`, async () => {
      const postgres = await sql`select 1`.execute(db).then(() => true, () => false);
      return { ok: postgres && !nc.isClosed(), details: { postgres, listener: listener.isListening, schema: active.current, minSeqWaiting: watch.waiting } };
    }, log.child({ component: 'status' }));
    cleanups.push(() => statusSub.unsubscribe());
    log.info({ host: config.host, port, schema: active.current }, 'query-api listening');
    return { port, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
