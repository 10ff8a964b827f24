import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startStack } from '../../stack/index';
import { childrenOf } from '../procstat-groups';
import { pidListeningOn } from '../procstat';

/** Where the bench finds Natter, and which processes it samples. */
export interface NatterHandle {
  commandUrl: string;
  queryUrl: string;
  /** The projector's ops server (/metrics: applied sequence), when known. */
  projectorsUrl?: string;
  edgeWsUrl: string;
  natsUrl: string;
  databaseUrl: string;
  procs: Record<string, () => number[]>;
  started: boolean;
  stop(): Promise<void>;
}

/**
 * The bench drives one sender per room at up to hundreds of messages per second, so its stack runs with the
 * deployment's per-user send limit (COMMAND_API_SENDS_PER_SECOND, default 10/s) and per-socket frame limit
 * (EDGE_COMMANDS_PER_SECOND / EDGE_COMMAND_BURST, default 20/s, bursts of 40) raised, as an operator would set
 * them (docs/architecture.md, Configuration). A running Natter given by environment must be started with them.
 */
export const benchLimits: Record<string, string> = {
  COMMAND_API_SENDS_PER_SECOND: '100000',
  EDGE_COMMANDS_PER_SECOND: '10000',
  EDGE_COMMAND_BURST: '10000',
};

const portOf = (url: string, dflt: number) => Number(new URL(url.split(',')[0]).port || dflt);

function infraProcs(natsUrl: string, databaseUrl: string): Record<string, () => number[]> {
  const nats = pidListeningOn(portOf(natsUrl, 4222));
  const pg = pidListeningOn(portOf(databaseUrl, 5432));
  const out: Record<string, () => number[]> = {};
  if (nats) out['nats-server'] = () => [nats];
  if (pg) out.postgres = () => [pg, ...childrenOf(pg)];
  return out;
}

/**
 * A running Natter from the environment (NATTER_BENCH_COMMAND_URL, NATTER_BENCH_QUERY_URL,
 * NATTER_BENCH_EDGE_URL, NATTER_BENCH_PROJECTORS_URL (optional), NATS_URL, DATABASE_URL; service pids found by
 * their listening ports), or a fresh one
 * from startStack in a temp dir (no gateway: the bench talks to the services directly), removed on stop().
 */
export async function acquireNatter(o: { log: Logger; env?: Record<string, string>; progress: (s: string) => void }): Promise<NatterHandle> {
  const e = process.env;
  if (e.NATTER_BENCH_COMMAND_URL && e.NATTER_BENCH_QUERY_URL && e.NATTER_BENCH_EDGE_URL) {
    const natsUrl = e.NATS_URL ?? 'nats://127.0.0.1:4222';
    const databaseUrl = e.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/natter';
    const procs = infraProcs(natsUrl, databaseUrl);
    for (const [name, url] of [['command-api', e.NATTER_BENCH_COMMAND_URL], ['query-api', e.NATTER_BENCH_QUERY_URL], ['edge', e.NATTER_BENCH_EDGE_URL]]) {
      const pid = pidListeningOn(portOf(url.replace(/^ws/, 'http'), 80));
      if (pid) procs[name] = () => [pid];
    }
    const projectorsUrl = e.NATTER_BENCH_PROJECTORS_URL;
    return { commandUrl: e.NATTER_BENCH_COMMAND_URL, queryUrl: e.NATTER_BENCH_QUERY_URL, projectorsUrl, edgeWsUrl: e.NATTER_BENCH_EDGE_URL, natsUrl, databaseUrl, procs, started: false, stop: async () => {} };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-bench-'));
  await chmod(dataDir, 0o755); // Postgres runs as the postgres user when we are root: it must reach dataDir/pg
  const stack = await startStack({ dataDir, gateway: false, edges: 1, log: o.log, env: { ...benchLimits, ...o.env }, onProgress: o.progress }).catch(async (err) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  const procs = infraProcs(stack.natsUrl, stack.databaseUrl);
  for (const s of [stack.commandApi, stack.queryApi, stack.projectors, ...stack.edges]) {
    const pid = s.proc.pid;
    if (pid) procs[s.name] = () => [pid];
  }
  const edge = stack.edges[0];
  return {
    commandUrl: stack.commandApi.url,
    queryUrl: stack.queryApi.url,
    projectorsUrl: stack.projectors.url,
    edgeWsUrl: `ws://127.0.0.1:${edge.port}/ws`,
    natsUrl: stack.natsUrl,
    databaseUrl: stack.databaseUrl,
    procs,
    started: true,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
