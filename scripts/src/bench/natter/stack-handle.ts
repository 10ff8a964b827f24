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
  edgeWsUrl: string;
  /** Every edge (several in the cluster topology). */
  edgeWsUrls: string[];
  /** The projector's ops server (/metrics: applied sequence), when known. */
  projectorsUrl?: string;
  natsUrl: string;
  databaseUrl: string;
  procs: Record<string, () => number[]>;
  started: boolean;
  stop(): Promise<void>;
}

const portOf = (url: string, dflt: number) => Number(new URL(url.split(',')[0]).port || dflt);

/**
 * The bench drives one sender per room at up to hundreds of messages per second, so its stack runs with the
 * deployment's per-user send limit (COMMAND_API_SENDS_PER_SECOND, default 10/s) and per-socket frame limit
 * (EDGE_COMMANDS_PER_SECOND / EDGE_COMMAND_BURST, default 20/s, bursts of 40) raised, as an operator would set
 * them (docs/architecture.md, Configuration); and the population registers thousands of users and rooms from
 * one address, which the per-address and per-user limits on those would refuse. A running Natter given by
 * environment must be started with them.
 */
export const benchLimits: Record<string, string> = {
  COMMAND_API_SENDS_PER_SECOND: '100000',
  EDGE_COMMANDS_PER_SECOND: '10000',
  EDGE_COMMAND_BURST: '10000',
  COMMAND_API_REGISTER_PER_ADDRESS: '1000000/1',
  COMMAND_API_LOGIN_PER_ADDRESS: '1000000/1',
  COMMAND_API_ROOMS_PER_USER: '1000000/1',
};

function infraProcs(natsUrl: string | undefined, databaseUrl: string): Record<string, () => number[]> {
  const nats = natsUrl && pidListeningOn(portOf(natsUrl, 4222));
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
export async function acquireNatter(o: { log: Logger; env?: Record<string, string>; progress: (s: string) => void; cluster?: boolean }): Promise<NatterHandle> {
  const e = process.env;
  if (!o.cluster && e.NATTER_BENCH_COMMAND_URL && e.NATTER_BENCH_QUERY_URL && e.NATTER_BENCH_EDGE_URL) {
    const natsUrl = e.NATS_URL ?? 'nats://127.0.0.1:4222';
    const databaseUrl = e.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/natter';
    const procs = infraProcs(natsUrl, databaseUrl);
    for (const [name, url] of [['command-api', e.NATTER_BENCH_COMMAND_URL], ['query-api', e.NATTER_BENCH_QUERY_URL], ['edge', e.NATTER_BENCH_EDGE_URL]]) {
      const pid = pidListeningOn(portOf(url.replace(/^ws/, 'http'), 80));
      if (pid) procs[name] = () => [pid];
    }
    const projectorsUrl = e.NATTER_BENCH_PROJECTORS_URL;
    return { commandUrl: e.NATTER_BENCH_COMMAND_URL, queryUrl: e.NATTER_BENCH_QUERY_URL, projectorsUrl, edgeWsUrl: e.NATTER_BENCH_EDGE_URL, edgeWsUrls: [e.NATTER_BENCH_EDGE_URL], natsUrl, databaseUrl, procs, started: false, stop: async () => {} };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-bench-'));
  await chmod(dataDir, 0o755); // Postgres runs as the postgres user when we are root: it must reach dataDir/pg
  // The cluster topology: 3 NATS nodes (R3), 2 edges, 2 command-apis, 2 query-apis, 2 projectors.
  const env = { ...benchLimits, ...o.env };
  const stack = await startStack({ dataDir, gateway: false, cluster: o.cluster, edges: o.cluster ? 2 : 1, log: o.log, env, onProgress: o.progress }).catch(async (err) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  // A cluster's NATS nodes are sampled one by one, under their unit names.
  const procs = infraProcs(o.cluster ? undefined : stack.natsUrl, stack.databaseUrl);
  for (const n of o.cluster ? stack.natsNodes : []) {
    const pid = stack.units.find((u) => u.name === n.name)?.proc.pid;
    if (pid) procs[n.name] = () => [pid];
  }
  for (const s of [...stack.services.commandApi, ...stack.services.queryApi, ...stack.services.projectors, ...stack.edges]) {
    const pid = s.proc.pid;
    if (pid) procs[s.name] = () => [pid];
  }
  const edge = stack.edges[0];
  return {
    commandUrl: stack.commandApi.url,
    queryUrl: stack.queryApi.url,
    projectorsUrl: stack.projectors.url,
    edgeWsUrl: `ws://127.0.0.1:${edge.port}/ws`,
    edgeWsUrls: stack.edges.map((x) => `ws://127.0.0.1:${x.port}/ws`),
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
