import { Limits } from '@natter/contracts';
import { Admission, connectNats, createKysely, PgChannels, loadVerifyKey, watchPresence, watchRevocations, type ReadModelDB } from '@natter/infra/runtime';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { QueryApiConfig } from './config';
import { Authenticator } from './http/auth';
import { installErrorHandlers } from './http/errors';
import { Metrics } from './http/metrics';
import { registerQueryRoutes } from './http/routes';
import { HistoryService } from './messages/history.service';
import { serveSharesRoom } from './nats/shares-room.endpoint';
import { serveUserRooms } from './nats/user-rooms.endpoint';
import { buildOpenApiDocument } from './openapi/document';
import { ActiveSchema } from './read-model/active-schema';
import { PgListener } from './read-model/pg-listener';
import { PresenceService } from './presence/presence.service';
import { ProjectionWatch } from './read-model/projection-watch';
import { ReadModelReader } from './read-model/reader';
import { RoomsService } from './rooms/rooms.service';
import { UsersService } from './users/users.service';

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
  const db = createKysely<ReadModelDB>(config.databaseUrl, config.dbPoolMax);
  const metrics = new Metrics();
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
    const reader: { current?: ReadModelReader } = {};
    const watch = new ProjectionWatch(active, (schema) => reader.current!.checkpointOf(schema), config.minSeqPollMs, log.child({ component: 'projection-watch' }));
    reader.current = new ReadModelReader(db, active, watch, metrics);
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

    const nc = await connectNats(config.natsUrl, 'query-api', log.child({ component: 'nats' }));
    cleanups.push(async () => {
      await nc.drain().catch(() => nc.close());
    });
    serveUserRooms(nc, reader.current, metrics, admission, log.child({ component: 'user-rooms' }));
    serveSharesRoom(nc, reader.current, metrics, admission, log.child({ component: 'shares-room' }));
    // Presence (KV natter_presence) mirrored in memory; staleness is judged at read time.
    const presence = watchPresence(nc, log.child({ component: 'presence' }), { pruneEveryMs: 15_000 });
    cleanups.push(() => presence.stop());
    // Revoked sessions/users (KV natter_revoked), loaded before the first request is served.
    const revocations = watchRevocations(nc, log.child({ component: 'revocations' }));
    cleanups.push(() => revocations.stop());
    await revocations.ready;
    await presence.ready;

    const app = Fastify({ loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: Limits.httpBodyBytes });
    installErrorHandlers(app);
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
    app.get('/metrics', async (_req, reply) =>
      reply.type('text/plain; version=0.0.4').send(
        metrics.render({
          natter_query_minseq_waiting: { help: 'Reads waiting for minSeq right now.', value: watch.waiting },
          natter_query_pg_listener_up: { help: '1 while the LISTEN connection is up.', value: listener.isListening ? 1 : 0 },
          natter_query_revocations: { help: 'Revoked sessions and users held in memory.', value: revocations.size },
          natter_query_presence_connections: { help: 'Presence entries (connections) held in memory.', value: presence.directory.size },
        }),
      ),
    );
    const openapi = JSON.stringify(buildOpenApiDocument());
    app.get('/api/openapi.json', async (_req, reply) => reply.type('application/json').send(openapi));

    registerQueryRoutes(app, new Authenticator(key, revocations), {
      users: new UsersService(reader.current),
      rooms: new RoomsService(reader.current),
      history: new HistoryService(reader.current),
      presence: new PresenceService(presence.directory),
    });

    await app.listen({ host: config.host, port: config.port });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ host: config.host, port, schema: active.current }, 'query-api listening');
    return { port, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
