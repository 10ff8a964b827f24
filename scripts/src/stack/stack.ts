import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { createKysely } from '@natter/infra/runtime';
import { ensureDatabase, provisionAll, startLocalPostgres, stopChild } from '@natter/infra/provision';
import { freePort, waitForJetStream } from '@natter/infra/testing';
import { startGateway } from './gateway';
import { ensureJwtKeys } from './keys';
import { repoRoot, startService, type ServiceProcess } from './service-process';

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
  onProgress?: (step: string) => void;
}

export interface Stack {
  gatewayUrl?: string;
  natsUrl: string;
  databaseUrl: string;
  commandApi: ServiceProcess;
  queryApi: ServiceProcess;
  projectors: ServiceProcess;
  edges: ServiceProcess[];
  publicKeyFile: string;
  privateKeyFile: string;
  /** Stop everything this stack started, in reverse order of start. */
  stop(): Promise<void>;
}

const entries = {
  commandApi: 'command-api/src/main.ts',
  queryApi: 'query-api/src/main.ts',
  projectors: 'projectors/src/main.ts',
  edge: 'realtime-edge/src/main.ts',
};

/** Start Natter: NATS and Postgres unless given, provisioning, every service, and the nginx gateway. */
export async function startStack(o: StackOptions): Promise<Stack> {
  const progress = o.onProgress ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stops.length) await stops.pop()!().catch(() => {});
  };
  try {
    await mkdir(join(o.dataDir, 'logs'), { recursive: true });
    const logsDir = join(o.dataDir, 'logs');

    let natsUrl = o.natsUrl;
    if (!natsUrl) {
      progress('starting nats-server');
      const nats = await startOwnNats(join(o.dataDir, 'nats'), o.natsPort ?? (await freePort()), join(logsDir, 'nats-server.log'));
      stops.push(nats.stop);
      natsUrl = nats.url;
    }
    let databaseUrl = o.databaseUrl;
    if (!databaseUrl) {
      progress('starting postgres');
      const pg = await startLocalPostgres({ dir: join(o.dataDir, 'pg'), port: o.postgresPort ?? (await freePort()) });
      stops.push(pg.stop);
      databaseUrl = await ensureDatabase(pg.url, 'natter');
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
    const start = async (name: string, entry: string, portVar: string, p: number, env: Record<string, string> = {}) => {
      progress(`starting ${name}`);
      const s = await startService({ name, entry, port: p, env: { ...common, [portVar]: String(p), ...env }, logFile: join(logsDir, `${name}.log`) });
      stops.push(() => s.stop());
      return s;
    };
    const projectors = await start('projectors', entries.projectors, 'PROJECTORS_PORT', await port(3));
    const commandApi = await start('command-api', entries.commandApi, 'COMMAND_API_PORT', await port(0), { NATTER_JWT_PRIVATE_KEY_FILE: keys.privateKeyFile });
    const queryApi = await start('query-api', entries.queryApi, 'QUERY_API_PORT', await port(1));
    const edges: ServiceProcess[] = [];
    for (let i = 0; i < (o.edges ?? 1); i++) {
      const p = o.basePort ? o.basePort + 10 + i : await freePort();
      edges.push(await start(`edge-${i + 1}`, entries.edge, 'EDGE_PORT', p, { EDGE_NODE_ID: `edge-${i + 1}` }));
    }

    let gatewayUrl: string | undefined;
    if (o.gateway !== false) {
      progress('starting the nginx gateway');
      const gw = await startGateway({
        dir: join(o.dataDir, 'gateway'),
        host: o.host ?? '127.0.0.1',
        port: o.gatewayPort ?? (await freePort()),
        commandPorts: [commandApi.port],
        queryPorts: [queryApi.port],
        edgePorts: edges.map((e) => e.port),
      });
      stops.push(gw.stop);
      gatewayUrl = gw.url;
    }
    return { gatewayUrl, natsUrl, databaseUrl, commandApi, queryApi, projectors, edges, ...keys, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startOwnNats(dir: string, port: number, logFile: string): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const proc = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, '-l', logFile], {
    stdio: 'ignore',
    cwd: repoRoot,
  });
  const url = `nats://127.0.0.1:${port}`;
  try {
    await waitForJetStream(url, () => proc.exitCode !== null && `nats-server exited; see ${logFile}`);
  } catch (err) {
    await stopChild(proc);
    throw err;
  }
  return { url, proc, stop: () => stopChild(proc) };
}
