/**
 * `npm run soak -- [--minutes=10] [--pause-s=5] [--keep]`: the chaos test's longer sibling. Starts the cluster
 * topology (startStack with `cluster: true`, its own NATS cluster and Postgres in a temp dir), runs steady
 * sends and listening sockets through the gateway, and until the time is up injects faults picked in turn
 * and at random: kill -9 of a NATS node (often the stream leader), an edge, a command-api, the active
 * projector, a query-api, several of them at once, and a NATS node that loses its store. Then it checks that
 * nothing acknowledged was lost, duplicated or reordered, prints every fault's recovery time (a Markdown table)
 * and exits 1 if anything was wrong. `--keep` leaves the data dir (logs of every process) for reading.
 * Traffic goes only to 127.0.0.1; every loop is bounded by the duration.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { createLogger } from '@natter/infra/runtime';
import { Chaos, reportTable, type FaultReport } from './chaos/faults';
import { Traffic } from './chaos/traffic';
import { startStack } from './stack/index';

function flag(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.split('=')[1]) : fallback;
  if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  return v;
}

const minutes = flag('minutes', 10);
const pauseMs = flag('pause-s', 5) * 1000;
const keep = process.argv.includes('--keep');
const say = (m: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}`);

const dir = await mkdtemp(join(tmpdir(), 'natter-soak-'));
await chmod(dir, 0o755); // as root, Postgres runs as the postgres user and must reach dir/pg
const log = createLogger('soak', process.env.LOG_LEVEL ?? 'warn');
say(`starting the cluster topology in ${dir}`);
const stack = await startStack({ dataDir: dir, cluster: true, log, onProgress: say });
const nc = await connect({ servers: stack.natsUrl.split(','), maxReconnectAttempts: -1 });
let failed = false;
try {
  const traffic = await Traffic.start(stack.gatewayUrl!, { rooms: 4, listenersPerRoom: 3, sendEveryMs: 100 });
  await traffic.healthySince(Date.now(), 60_000);
  const chaos = await Chaos.create(stack, traffic, nc, { say });
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
  const services = () => [...stack.edges, ...stack.services.commandApi, ...stack.services.queryApi].map((s) => s.name);
  const faults: (() => Promise<FaultReport>)[] = [
    async () => chaos.kill('the NATS stream leader', [await chaos.streamLeader()]),
    async () => chaos.kill('a NATS node', [pick(stack.natsNodes).name]),
    async () => chaos.kill('an edge', [pick(stack.edges).name]),
    async () => chaos.kill('a command-api', [pick(stack.services.commandApi).name]),
    async () => chaos.killActiveProjector(),
    async () => chaos.kill('a query-api', [pick(stack.services.queryApi).name]),
    async () => {
      const names = new Set([await chaos.streamLeader(), pick(services()), pick(services()), pick(services())]);
      return chaos.kill('overlapping faults', [...names]);
    },
    async () => chaos.killNatsNodeWithStore(pick(stack.natsNodes).name),
  ];
  const until = Date.now() + minutes * 60_000;
  for (let i = 0; Date.now() < until; i++) {
    // In turn first, so every kind happens, then at random.
    await (i < faults.length ? faults[i] : pick(faults))();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const verdict = await traffic.stop(60_000);
  console.log(`\n${reportTable(chaos.reports)}\n`);
  const byKind = new Map<string, number[]>();
  for (const r of chaos.reports) byKind.set(r.fault, [...(byKind.get(r.fault) ?? []), r.recoveredMs]);
  for (const [kind, times] of byKind) {
    times.sort((a, b) => a - b);
    say(`${kind}: ${times.length}x, traffic healthy again after ${(times[0] / 1000).toFixed(1)} / ${(times[Math.floor(times.length / 2)] / 1000).toFixed(1)} / ${(times.at(-1)! / 1000).toFixed(1)} s (min / median / max)`);
  }
  say(`${verdict.acked} messages acknowledged in ${minutes} min to ${verdict.listeners} listeners; ${verdict.lost} lost, ${verdict.duplicates} duplicates, ${verdict.reorderings} out of order; failed attempts (retried): ${JSON.stringify(verdict.failures)}`);
  for (const p of verdict.problems) say(`PROBLEM: ${p}`);
  failed = verdict.lost + verdict.duplicates + verdict.reorderings > 0;
} catch (err) {
  say(`soak failed: ${err instanceof Error ? err.stack : String(err)}`);
  failed = true;
} finally {
  await nc.close();
  await stack.stop();
  if (keep || failed) say(`data and logs kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
