import { join } from 'node:path';
import pino from 'pino';
import { envInt } from '@natter/infra/runtime';
import { startStack, type Stack } from './stack/index';
import { repoRoot } from './stack/service-process';

/**
 * `npm run up [-- --cluster]`: run the whole product on this machine. `--cluster` runs the scale-out
 * topology: a 3-node NATS cluster with R3 streams and buckets, two of every service (projectors: one active,
 * one standby). NATS and Postgres are started with their data under .data/ unless NATS_URL / DATABASE_URL
 * point at running ones; data survives restarts. Every process is
 * supervised (a crashed one is restarted; a crash loop stops everything, exit 1). SIGINT or SIGTERM (Ctrl-C,
 * or to the npm process, which forwards it) stops it all; so does the death of our parent.
 */
const env = process.env;
let config: { cluster: boolean; dataDir: string; gatewayPort: number; natsPort: number; postgresPort: number; basePort: number; edges: number };
try {
  const args = process.argv.slice(2);
  for (const a of args) if (a !== '--cluster') throw new Error(`unknown argument ${a} (npm run up [-- --cluster])`);
  const cluster = args.includes('--cluster');
  config = {
    cluster,
    dataDir: env.NATTER_DATA_DIR ?? join(repoRoot, '.data'),
    gatewayPort: envInt(env, 'NATTER_PORT', 8080, 1, 65535),
    natsPort: envInt(env, 'NATTER_NATS_PORT', 4223, 0, 65535), // 0: free ports
    postgresPort: envInt(env, 'NATTER_PG_PORT', 5433, 1, 65535),
    basePort: envInt(env, 'NATTER_BASE_PORT', 3001, 0, 65535), // 0: free ports
    edges: envInt(env, 'NATTER_EDGES', cluster ? 2 : 1, 1, 64),
  };
} catch (err) {
  console.error(`[natter] ${(err as Error).message}`);
  process.exit(1);
}
const logsDir = join(config.dataDir, 'logs');
const launcherLog = join(logsDir, 'launcher.log');
// The console gets short progress lines; the launcher's own pino log (restarts, give-ups) goes to a file.
const log = pino(
  { name: 'launcher', level: env.LOG_LEVEL ?? 'info', base: { service: 'launcher', pid: process.pid } },
  pino.destination({ dest: launcherLog, append: true, mkdir: true, sync: true }),
);
const say = (line: string) => console.log(`[natter] ${line}`);
const shout = (line: string) => console.error(`[natter] ${line}`);

const startAbort = new AbortController();
let started: Promise<Stack> | undefined;
let stopping = false;
/** Stop everything once, however many signals arrive (Ctrl-C reaches npm, bootstrap and us). */
const shutdown = (why: string, code: number) => {
  if (stopping) return;
  stopping = true;
  say(why);
  log.info({ why, code }, 'stopping');
  startAbort.abort(); // a start in progress stops what it started, then rejects
  void (started ?? Promise.reject())
    .then((s) => s.stop(), () => {})
    .finally(() => {
      say('stopped');
      process.exit(code);
    });
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => shutdown(`${sig}: stopping…`, 0));
// Children are tied to us (spawnTied); we are tied to our parent: if it dies without stopping us (SIGKILL),
// we are re-parented, and stop as if told to.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('the process that started us is gone: stopping…', 1);
}, 500).unref();

started = startStack({
  dataDir: config.dataDir,
  natsUrl: env.NATS_URL,
  databaseUrl: env.DATABASE_URL,
  natsPort: config.natsPort || undefined,
  // A cluster's nodes listen on NATTER_NATS_PORT + 0, 1, 2 for clients and + 2000, 2001, 2002 for routes.
  cluster: config.cluster,
  natsPorts: config.cluster && config.natsPort ? [0, 1, 2].map((i) => config.natsPort + i) : undefined,
  natsRoutePorts: config.cluster && config.natsPort ? [0, 1, 2].map((i) => config.natsPort + 2000 + i) : undefined,
  postgresPort: config.postgresPort,
  basePort: config.basePort || undefined,
  gatewayPort: config.gatewayPort,
  edges: config.edges,
  push: true,
  log,
  signal: startAbort.signal,
  onProgress: say,
  onGiveUp: (g) => {
    shout(`${g.unit} crashed ${g.crashes} times within ${g.windowMs / 1000}s (last: ${g.last}).`);
    shout(`giving up: read ${g.logFile} for why (restarts are in ${launcherLog}).`);
    shutdown('stopping everything', 1);
  },
});
started.then(
  (stack) => {
    if (stopping) return;
    console.log(`
[natter] running${config.cluster ? ` as a cluster (${stack.natsNodes.length || 'external'} NATS nodes, R${stack.replicas}; ${stack.edges.length} edges, ${stack.services.commandApi.length} command-apis, ${stack.services.queryApi.length} query-apis, ${stack.services.projectors.length} projectors)` : ''}. Open ${stack.gatewayUrl}
[natter]   API:        ${stack.gatewayUrl}/api  (OpenAPI: ${stack.gatewayUrl}/api/openapi.json)
[natter]   WebSocket:  ${stack.gatewayUrl?.replace('http', 'ws')}/ws
[natter]   NATS:       ${stack.natsUrl}
[natter]   logs:       ${logsDir}
${stack.mailCatcher ? `[natter]   mail:       no SMTP_URL set: mail is caught locally, read it at ${stack.mailCatcher.pageUrl} or as .eml files in ${stack.mailCatcher.dir}
` : ''}[natter] A process that crashes is restarted. Ctrl-C stops everything.`);
    log.info({ units: stack.units.map((u) => ({ unit: u.name, pid: u.proc.pid })) }, 'running');
  },
  (err) => {
    if (stopping) return; // shutdown() exits once the start has cleaned up
    shout(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    log.error({ err }, 'could not start');
    process.exit(1);
  },
);
