import 'reflect-metadata';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { Buckets, Limits, Streams } from '@natter/contracts';
import { connectNats, NatsFileStore, createKysely, createMetricsRegistry, httpServerOptions, instrumentNats, MsgDedupeWriter, NatsRequester, serveStatus, watchRevocations, type RevocationWatch } from '@natter/infra/runtime';
import { describeSmtp, MailOutbox, OutboxWorker, SmtpMailer } from '@natter/infra/mail';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuthDB } from './accounts/auth.tables';
import { AppModule } from './app.module';
import type { CommandApiConfig } from './config';
import { CommandEndpoints } from './shared/command-endpoints';
import { CommandRoutes } from './shared/command-routes';
import { DedupeBackstop } from './messages/dedupe-backstop';
import { DedupeRecords } from './messages/dedupe-records';
import { NatsMessageReads } from './messages/message-reads';
import { JetStreamEventStore } from './shared/event-store';
import { sweepRateLimits } from './shared/rate-limits/rate-limiter.pg';
import { LOGIN_FAILURES_FORGET_MS } from './accounts/login-throttle';
import { HttpErrorFilter } from './shared/http-error.filter';
import { installJsonParser } from './shared/json-body';
import { Metrics } from './shared/metrics';
import { PinoNestLogger } from './shared/nest-logger';
import { installFiles } from './files/files.wiring';

export interface RunningCommandApi {
  close(): Promise<void>;
  port: number;
}

/**
 * Start command-api: connect NATS and Postgres (stream, buckets and schemas must already be provisioned by
 * infra's provisionAll), serve HTTP and the NATS command endpoints. close() stops taking work, lets in-flight
 * requests finish, then disconnects.
 */
export async function startCommandApi(config: CommandApiConfig, log: Logger): Promise<RunningCommandApi> {
  const nc = await connectNats(config.natsUrl, 'command-api', log.child({ component: 'nats' }));
  const db = createKysely<AuthDB>(config.databaseUrl);
  let revocations: RevocationWatch | undefined;
  let closeMail: (() => Promise<void>) | undefined;
  try {
    const kvm = new Kvm(nc);
    const buckets = { unique: await kvm.open(Buckets.unique), msgDedupe: await kvm.open(Buckets.msgDedupe), revoked: await kvm.open(Buckets.revoked) };
    revocations = watchRevocations(nc, log.child({ component: 'revocations' }));
    await revocations.ready;
    const requests = new NatsRequester(nc);
    const streamInfo = await (await jetstreamManager(nc)).streams.info(Streams.events);
    const metrics = new Metrics(createMetricsRegistry());
    instrumentNats(nc, metrics.registry);
    const store = JetStreamEventStore.connect(nc, requests, { replicated: streamInfo.config.num_replicas > 1, count: (op) => metrics.jetStreamRequest(op) });
    const dedupe = await DedupeRecords.open(buckets.msgDedupe, store.wire);
    const messageReads = new NatsMessageReads(nc);
    const backstop = new DedupeBackstop(new MsgDedupeWriter(requests), DedupeBackstop.checkpointReader(db), config.dedupeBackstopMs, metrics, log.child({ component: 'dedupe-backstop' }));

    // Mail (issue 13): requests enqueue into the outbox; this worker sends, retrying with backoff.
    const mailer = new SmtpMailer(config.mail, log.child({ component: 'mailer' }));
    const outbox = new MailOutbox(db as Kysely<any>);
    const mailWorker = new OutboxWorker(outbox, mailer, log.child({ component: 'mail-outbox' }), config.mailWorker, metrics.registry);
    log.info({ smtp: describeSmtp(config.mail.smtpUrl), from: config.mail.from, publicUrl: config.mail.publicUrl }, 'mail configured');
    closeMail = async () => {
      await mailWorker.stop();
      await mailer.close();
    };
    const mail = { outbox, publicUrl: config.mail.publicUrl, nudge: () => mailWorker.nudge() };

    const adapter = new FastifyAdapter({ ...httpServerOptions(Limits.httpBodyBytes), trustProxy: '127.0.0.1' });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, log, nc, db, store, buckets, dedupe, messageReads, backstop, metrics, revocations, mail }),
      adapter,
      { bodyParser: false, logger: new PinoNestLogger(log.child({ component: 'nest' })) },
    );
    const fastify = app.getHttpAdapter().getInstance();
    installJsonParser(fastify);
    fastify.addHook('onResponse', async (req, reply) => metrics.request(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000));
    app.get(CommandRoutes).register(fastify);
    const files = installFiles(app, fastify, { config, db: db as Kysely<unknown>, store: await NatsFileStore.open(nc), log: log.child({ component: 'files' }) });
    app.useGlobalFilters(new HttpErrorFilter(metrics, log.child({ component: 'http' })));
    await app.listen(config.port, config.host);
    const endpoints = app.get(CommandEndpoints);
    endpoints.start();
    mailWorker.start();
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ host: config.host, port }, 'command-api listening');
    const sweeper = setInterval(
      () => void sweepRateLimits(db as Kysely<unknown>, LOGIN_FAILURES_FORGET_MS).catch((err) => log.warn({ err }, 'rate limit sweep failed')),
      5 * 60_000,
    ).unref();
    const statusSub = serveStatus(nc, 'command-api', `${hostname()}:${port}`, async () => {
      const postgres = await sql`select 1`.execute(db).then(() => true, () => false);
      return { ok: postgres && !nc.isClosed(), details: { postgres, revocations: revocations?.size ?? 0 } };
    }, log.child({ component: 'status' }));

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        files.stop();
        statusSub.unsubscribe();
        await endpoints.stop();
        await app.close();
        await backstop.close(); // the records of sends the projector has not applied yet
        await closeMail?.(); // the mail batch in progress is finished and marked; the rest waits in the outbox
        await revocations?.stop();
        await nc.drain().catch(() => nc.close());
        requests.close();
        messageReads.close();
        await db.destroy();
        log.info('command-api stopped');
      })());
    return { close, port };
  } catch (err) {
    await closeMail?.().catch(() => {});
    await revocations?.stop();
    await nc.close().catch(() => {});
    await db.destroy().catch(() => {});
    throw err;
  }
}
