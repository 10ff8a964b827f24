import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { jetstreamManager } from '@nats-io/jetstream';
import { createKysely } from '@natter/infra/runtime';
import { ensureDatabase, provisionAll, provisionBuckets, provisionStreams, startLocalPostgres } from '@natter/infra/provision';
import { freePort } from '@natter/infra/testing';
import { startGatewayRun, writeGatewayConfig } from './gateway';
import { ensureJwtKeys, ensureVapidKeys } from './keys';
import { natsUnit } from './nats-unit';
import { startService } from './service-process';
import { watchReadModelUpgrade } from './upgrade-progress';
import { Supervisor, type GiveUp, type RestartPolicy, type Unit, type UnitSpec } from './supervisor';

export interface StackOptions {
  /** Logs, keys, gateway files; and NATS/Postgres data when the stack starts those itself. */
  dataDir: string;
  /** Use this NATS (comma-separated URLs); otherwise start nats-server with its store in dataDir/nats. */
  natsUrl?: string;
  /** Use this database; otherwise start Postgres with its data in dataDir/pg and use database `natter`. */
  databaseUrl?: string;
  host?: string;
  gatewayPort?: number;
  natsPort?: number;
  postgresPort?: number;
  edges?: number;
  /**
   * The scale-out topology (`npm run up -- --cluster`): a 3-node NATS cluster (when NATS is started here) with
   * R3 streams and buckets, 2 edges, 2 command-apis, 2 query-apis and 2 projectors (one active, one standby),
   * unless `instances` or `edges` say otherwise.
   */
  cluster?: boolean;
  /** Instances of each service (default 1 each; 2 in a cluster). */
  instances?: { commandApi?: number; queryApi?: number; projectors?: number };
  /** Client ports of the NATS nodes started here (default: `natsPort` alone, or free ports). */
  natsPorts?: number[];
  /** Cluster route ports of those nodes (default: free ports). */
  natsRoutePorts?: number[];
  gateway?: boolean;
  /** Fixed service ports (default: free ports). */
  basePort?: number;
  log: Logger;
  env?: Record<string, string>;
  /**
   * Web Push on (`npm run up`): a VAPID key pair kept in dataDir/keys for projectors (sending) and query-api
   * (the public key browsers subscribe with). Off by default: a test stack sends no push unless it asks.
   */
  push?: boolean;
  /** Human progress lines: each start-up step, and every restart and give-up of a supervised process. */
  onProgress?: (step: string) => void;
  /** Restart backoff and crash-loop limit (defaultRestartPolicy). */
  restartPolicy?: Partial<RestartPolicy>;
  /** A process crash-looped and restarts have stopped. Default: log it and stop the whole stack. */
  onGiveUp?: (g: GiveUp, stack: Stack) => void;
  /** Aborting it while the stack starts stops what has started; startStack then rejects. */
  signal?: AbortSignal;
}

/** A supervised Natter service: `proc` is its current process (a new one after each restart, same port). */
export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  readonly proc: ChildProcess;
  readonly restarts: number;
}

/** A nats-server started by the stack. */
export interface NatsNode {
  name: string;
  url: string;
  /** Its JetStream store (what `nats-server -sd` / `store_dir` names). */
  storeDir: string;
}

export interface Stack {
  gatewayUrl?: string;
  natsUrl: string;
  databaseUrl: string;
  /** Stream and bucket replicas (3 in a cluster). */
  replicas: number;
  /** The first instance of each service (the only one outside a cluster). */
  commandApi: ServiceProcess;
  queryApi: ServiceProcess;
  projectors: ServiceProcess;
  edges: ServiceProcess[];
  /** Every instance of each service. */
  services: { commandApi: ServiceProcess[]; queryApi: ServiceProcess[]; projectors: ServiceProcess[] };
  /** The nats-servers started here (none when NATS_URL was given). */
  natsNodes: NatsNode[];
  /** The local mail catcher, started when no SMTP_URL is configured: where mail sent by Natter can be read. */
  mailCatcher?: MailCatcherInfo;
  /** Every supervised process in start order: nats-server and postgres (when started here), services, nginx. */
  units: Unit[];
  publicKeyFile: string;
  privateKeyFile: string;
  /** Stop everything this stack started, in reverse order of start (idempotent). */
  stop(): Promise<void>;
}

/** The mail catcher of a stack: the SMTP URL services send to, the folder of .eml files, and its page. */
export interface MailCatcherInfo {
  smtpUrl: string;
  dir: string;
  pageUrl: string;
}

const entries = {
  commandApi: 'command-api/src/main.ts',
  queryApi: 'query-api/src/main.ts',
  projectors: 'projectors/src/main.ts',
  edge: 'realtime-edge/src/main.ts',
  mailCatcher: 'infra/src/mail-catcher/main.ts',
};

/**
 * V8's young generation of an edge capped at 8 MiB semi-spaces (the default grows to 16 MiB each): an edge
 * holds tens of thousands of small long-lived objects, and a connect storm grew the young generation to its
 * maximum, which stayed in RSS (docs/benchmarks.md: idle memory). Delivery allocates little (one frame per event),
 * so the smaller young generation costs no measurable CPU. Operators running the edge themselves: NODE_OPTIONS.
 */
const edgeNodeArgs = ['--max-semi-space-size=8'];

/**
 * Start Natter: NATS and Postgres unless given, provisioning, every service, and the nginx gateway, each as a
 * supervised process (supervisor.ts): one that exits unexpectedly is restarted on the same port and data while
 * the others keep serving, always (the e2e tests run supervised stacks too).
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const progress = o.onProgress ?? (() => {});
  let stack: Stack | undefined;
  const supervisor = new Supervisor({
    log: o.log.child({ component: 'supervisor' }),
    say: progress,
    policy: o.restartPolicy,
    onGiveUp: (g) => {
      if (o.onGiveUp && stack) return o.onGiveUp(g, stack);
      void supervisor.stop();
    },
  });
  let stopping: Promise<void> | undefined;
  let upgradeWatch: { stop(): Promise<void> } | undefined;
  const stop = () => (stopping ??= (async () => {
    await upgradeWatch?.stop();
    await supervisor.stop();
  })());
  const abort = () => void stop();
  o.signal?.addEventListener('abort', abort);
  try {
    if (o.signal?.aborted) throw new Error('stopped before it started');
    const logsDir = join(o.dataDir, 'logs');
    await mkdir(logsDir, { recursive: true });

    const replicas = o.cluster ? 3 : 1;
    let natsUrl = o.natsUrl;
    const natsNodes: NatsNode[] = [];
    if (!natsUrl) {
      const count = o.cluster ? 3 : 1;
      progress(o.cluster ? `starting a ${count}-node nats-server cluster` : 'starting nats-server');
      const ports = o.natsPorts ?? (o.cluster || o.natsPort === undefined ? await freePorts(count) : [o.natsPort]);
      const routePorts = o.natsRoutePorts ?? (o.cluster ? await freePorts(count) : []);
      const specs = ports.slice(0, count).map((port, i) => {
        const name = o.cluster ? `nats-${i + 1}` : 'nats-server';
        const dir = join(o.dataDir, o.cluster ? name : 'nats');
        const cluster = o.cluster ? { clusterName: 'natter', serverName: name, routePort: routePorts[i], routes: routePorts.map((p) => `nats-route://127.0.0.1:${p}`) } : undefined;
        natsNodes.push({ name, url: `nats://127.0.0.1:${port}`, storeDir: dir });
        return natsUnit({ name, dir, port, logFile: join(logsDir, `${name}.log`), cluster, afterRestart: (url) => provisionNats(url, replicas, o.log.child({ component: 'provision' })) });
      });
      // Together: a cluster node's JetStream answers only once a majority of the nodes is up.
      await Promise.all(specs.map((spec) => supervisor.start(spec)));
      natsUrl = specs.map((spec) => spec.url).join(',');
    }
    let databaseUrl = o.databaseUrl;
    if (!databaseUrl) {
      progress('starting postgres');
      const port = o.postgresPort ?? (await freePort());
      const logFile = join(logsDir, 'postgres.log');
      const dir = join(o.dataDir, 'pg');
      await supervisor.start({ name: 'postgres', logFile, start: (signal) => startLocalPostgres({ dir, port, logFile, tied: true, signal }) });
      databaseUrl = await ensureDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, 'natter');
    }

    progress('provisioning streams, buckets and migrations');
    const nc = await connect({ servers: natsUrl.split(',') });
    const db = createKysely<any>(databaseUrl, 2);
    try {
      await provisionAll(nc, db, o.log.child({ component: 'provision' }), { replicas });
    } finally {
      await db.destroy();
      await nc.close();
    }

    // An older read model is rebuilt by the projectors when they start: say how far they are.
    upgradeWatch = await watchReadModelUpgrade(databaseUrl, progress);
    const keys = await ensureJwtKeys(join(o.dataDir, 'keys'));
    // Fixed ports from basePort + offset, or distinct free ones (asked for together, so none is handed out twice).
    const ports = async (offsets: number[]) => (o.basePort ? offsets.map((i) => o.basePort! + i) : freePorts(offsets.length));
    // The gateway's port is chosen now: links in mail (PUBLIC_URL) point at it.
    const gatewayHost = o.host ?? '127.0.0.1';
    const gatewayPort = o.gateway !== false ? (o.gatewayPort ?? (await freePort())) : undefined;
    const publicUrl = o.env?.PUBLIC_URL ?? process.env.PUBLIC_URL ?? (gatewayPort ? `http://${gatewayHost}:${gatewayPort}` : undefined);
    const vapid = o.push ? await ensureVapidKeys(join(o.dataDir, 'keys')) : null;
    const common = {
      NATS_URL: natsUrl,
      ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}),
      DATABASE_URL: databaseUrl,
      NATTER_JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
      HOST: '127.0.0.1',
      // Links in pushes and mails point at the gateway.
      ...(o.gatewayPort ? { PUBLIC_URL: `http://${o.host ?? '127.0.0.1'}:${o.gatewayPort}` } : {}),
      ...(vapid ? { NATTER_VAPID_PUBLIC_KEY_FILE: vapid.vapidPublicKeyFile } : {}),
      ...(o.env ?? {}),
    };
    // Each service reads its own port variable (COMMAND_API_PORT, ...): docs/architecture.md, Configuration.
    const start = async (name: string, entry: string, portVar: string, p: number, env: Record<string, string> = {}, nodeArgs?: string[]): Promise<ServiceProcess> => {
      progress(`starting ${name}`);
      const logFile = join(logsDir, `${name}.log`);
      const unit = await supervisor.start({
        name,
        logFile,
        start: (signal) => startService({ name, entry, port: p, env: { ...common, [portVar]: String(p), ...env }, nodeArgs, logFile, signal }),
      });
      return serviceOf(unit, p);
    };
    // Several instances of a service are `<name>-1`, `<name>-2`, ... on ports `basePort + offset + 20 * i`.
    const count = (n: number | undefined) => n ?? (o.cluster ? 2 : 1);
    const many = async (name: string, entry: string, portVar: string, offset: number, n: number, env: Record<string, string> = {}) => {
      const got = await ports(Array.from({ length: n }, (_, i) => offset + 20 * i));
      return Promise.all(got.map((p, i) => start(n > 1 ? `${name}-${i + 1}` : name, entry, portVar, p, env)));
    };
    // No SMTP server configured: a local mail catcher receives what Natter sends (reset and verification
    // links), so those work out of the box and nothing leaves the machine. Supervised like every service.
    let mailCatcher: MailCatcherInfo | undefined;
    if (!(o.env?.SMTP_URL ?? process.env.SMTP_URL)?.trim()) {
      const [smtpPort, httpPort] = await ports([95, 96]);
      const dir = join(o.dataDir, 'mail');
      const svc = await start('mail-catcher', entries.mailCatcher, 'MAIL_CATCHER_HTTP_PORT', httpPort, { MAIL_CATCHER_DIR: dir, MAIL_CATCHER_SMTP_PORT: String(smtpPort) });
      mailCatcher = { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, dir, pageUrl: svc.url + '/' };
      Object.assign(common, { SMTP_URL: mailCatcher.smtpUrl });
    }
    const projectors = await many('projectors', entries.projectors, 'PROJECTORS_PORT', 3, count(o.instances?.projectors), vapid ? { NATTER_VAPID_PRIVATE_KEY_FILE: vapid.vapidPrivateKeyFile } : {});
    const commandApis = await many('command-api', entries.commandApi, 'COMMAND_API_PORT', 0, count(o.instances?.commandApi), { NATTER_JWT_PRIVATE_KEY_FILE: keys.privateKeyFile });
    const queryApis = await many('query-api', entries.queryApi, 'QUERY_API_PORT', 1, count(o.instances?.queryApi));
    const edgePorts = await ports(Array.from({ length: o.edges ?? (o.cluster ? 2 : 1) }, (_, i) => 10 + i));
    const edges = await Promise.all(edgePorts.map((p, i) => start(`edge-${i + 1}`, entries.edge, 'EDGE_PORT', p, { EDGE_NODE_ID: `edge-${i + 1}` }, edgeNodeArgs)));

    let gatewayUrl: string | undefined;
    if (o.gateway !== false) {
      progress('starting the nginx gateway');
      const gw = {
        dir: join(o.dataDir, 'gateway'),
        host: gatewayHost,
        port: gatewayPort!,
        commandPorts: commandApis.map((c) => c.port),
        queryPorts: queryApis.map((q) => q.port),
        edgePorts: edges.map((e) => e.port),
        uploadMaxBytes: Number(o.env?.FILES_MAX_BYTES ?? process.env.FILES_MAX_BYTES) || undefined,
      };
      const confPath = await writeGatewayConfig(gw);
      const spec: UnitSpec = { name: 'nginx', logFile: join(gw.dir, 'error.log'), start: (signal) => startGatewayRun(gw, confPath, signal) };
      await supervisor.start(spec);
      gatewayUrl = `http://${gw.host}:${gw.port}`;
    }
    stack = {
      gatewayUrl,
      natsUrl,
      databaseUrl,
      replicas,
      commandApi: commandApis[0],
      queryApi: queryApis[0],
      projectors: projectors[0],
      edges,
      services: { commandApi: commandApis, queryApi: queryApis, projectors },
      natsNodes,
      mailCatcher,
      units: supervisor.units,
      ...keys,
      stop,
    };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', abort);
  }
}

async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Streams and buckets again (idempotent), on a short-lived connection; a few tries over about 20 s. */
async function provisionNats(url: string, replicas: number, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const nc = await connect({ servers: url, reconnect: false, timeout: 2000 });
      try {
        await provisionStreams(await jetstreamManager(nc, { timeout: 5000 }), log, { replicas });
        await provisionBuckets(nc, log, { replicas });
        return;
      } finally {
        await nc.close();
      }
    } catch (err) {
      if (attempt >= 4) throw err;
      log.warn({ err: (err as Error).message, attempt }, 'provisioning after a nats-server restart failed; retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function serviceOf(unit: Unit, port: number): ServiceProcess {
  return {
    name: unit.name,
    port,
    url: `http://127.0.0.1:${port}`,
    get proc() {
      return unit.proc;
    },
    get restarts() {
      return unit.restarts;
    },
  };
}
