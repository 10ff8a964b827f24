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
import { ensureJwtKeys } from './keys';
import { natsUnit } from './nats-unit';
import { startService } from './service-process';
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
  gateway?: boolean;
  /** Fixed service ports (default: free ports). */
  basePort?: number;
  log: Logger;
  env?: Record<string, string>;
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

export interface Stack {
  gatewayUrl?: string;
  natsUrl: string;
  databaseUrl: string;
  commandApi: ServiceProcess;
  queryApi: ServiceProcess;
  projectors: ServiceProcess;
  edges: ServiceProcess[];
  /** Every supervised process in start order: nats-server and postgres (when started here), services, nginx. */
  units: Unit[];
  publicKeyFile: string;
  privateKeyFile: string;
  /** Stop everything this stack started, in reverse order of start (idempotent). */
  stop(): Promise<void>;
}

const entries = {
  commandApi: 'command-api/src/main.ts',
  queryApi: 'query-api/src/main.ts',
  projectors: 'projectors/src/main.ts',
  edge: 'realtime-edge/src/main.ts',
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
  const stop = () => (stopping ??= supervisor.stop());
  const abort = () => void stop();
  o.signal?.addEventListener('abort', abort);
  try {
    if (o.signal?.aborted) throw new Error('stopped before it started');
    const logsDir = join(o.dataDir, 'logs');
    await mkdir(logsDir, { recursive: true });

    let natsUrl = o.natsUrl;
    if (!natsUrl) {
      progress('starting nats-server');
      const spec = natsUnit(join(o.dataDir, 'nats'), o.natsPort ?? (await freePort()), join(logsDir, 'nats-server.log'), (url) =>
        provisionNats(url, o.log.child({ component: 'provision' })),
      );
      await supervisor.start(spec);
      natsUrl = spec.url;
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
      await provisionAll(nc, db, o.log.child({ component: 'provision' }));
    } finally {
      await db.destroy();
      await nc.close();
    }

    const keys = await ensureJwtKeys(join(o.dataDir, 'keys'));
    const port = async (i: number) => (o.basePort ? o.basePort + i : freePort());
    const common = {
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl,
      NATTER_JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
      HOST: '127.0.0.1',
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
    const projectors = await start('projectors', entries.projectors, 'PROJECTORS_PORT', await port(3));
    const commandApi = await start('command-api', entries.commandApi, 'COMMAND_API_PORT', await port(0), { NATTER_JWT_PRIVATE_KEY_FILE: keys.privateKeyFile });
    const queryApi = await start('query-api', entries.queryApi, 'QUERY_API_PORT', await port(1));
    const edges: ServiceProcess[] = [];
    for (let i = 0; i < (o.edges ?? 1); i++) {
      const p = o.basePort ? o.basePort + 10 + i : await freePort();
      edges.push(await start(`edge-${i + 1}`, entries.edge, 'EDGE_PORT', p, { EDGE_NODE_ID: `edge-${i + 1}` }, edgeNodeArgs));
    }

    let gatewayUrl: string | undefined;
    if (o.gateway !== false) {
      progress('starting the nginx gateway');
      const gw = {
        dir: join(o.dataDir, 'gateway'),
        host: o.host ?? '127.0.0.1',
        port: o.gatewayPort ?? (await freePort()),
        commandPorts: [commandApi.port],
        queryPorts: [queryApi.port],
        edgePorts: edges.map((e) => e.port),
      };
      const confPath = await writeGatewayConfig(gw);
      const spec: UnitSpec = { name: 'nginx', logFile: join(gw.dir, 'error.log'), start: (signal) => startGatewayRun(gw, confPath, signal) };
      await supervisor.start(spec);
      gatewayUrl = `http://${gw.host}:${gw.port}`;
    }
    stack = { gatewayUrl, natsUrl, databaseUrl, commandApi, queryApi, projectors, edges, units: supervisor.units, ...keys, stop };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', abort);
  }
}

/** Streams and buckets again (idempotent), on a short-lived connection. */
async function provisionNats(url: string, log: Logger): Promise<void> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 2000 });
  try {
    await provisionStreams(await jetstreamManager(nc), log);
    await provisionBuckets(nc, log);
  } finally {
    await nc.close();
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
