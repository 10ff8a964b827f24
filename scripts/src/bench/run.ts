/**
 * `npm run bench -- [--quick] [--scenarios=a,b] [--duration-s=20] ...` (flags: options.ts).
 *
 * Starts Natter with startStack (or uses a running one, see natter/stack-handle.ts), the raw uWS baseline
 * server and a throwaway nats-server, runs the scenarios, and writes results.json, results.md and SVG charts
 * to bench-results/<timestamp>/. One scenario failing is recorded and the others still run.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@natter/infra/runtime';
import { repoRoot } from '../stack/service-process';
import { jetStreamBaseline } from './baselines/jetstream';
import { postgresBaseline } from './baselines/postgres';
import { NatterApi } from './natter/api';
import { scrape, sum } from './natter/metrics-scrape';
import { NatterProbe } from './natter/probe';
import { Population } from './natter/population';
import { acquireNatter, type NatterHandle } from './natter/stack-handle';
import { parseOptions, type Scenario } from './options';
import { ProcMonitor } from './procstat';
import { startRawUws, type RawUwsHandle } from './raw-uws/launch';
import type { BenchResults } from './report/results';
import { writeReport } from './report/write';
import { httpSendLatency } from './scenarios/command-latency';
import { fanoutScenario, saturationScenario, type FanoutOptions } from './scenarios/fanout';
import { directoryScenario, seedUsers } from './scenarios/directory';
import { historyScenario, seedRoom } from './scenarios/history';
import { idleScenario } from './scenarios/idle';
import { replayScenario } from './scenarios/replay';
import { searchScenario, seedSearch } from './scenarios/search';
import { unreadScenario } from './scenarios/unread';
import { natterTarget, rawTarget, type Target } from './targets';

function fdLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/).map((x) => (x === 'unlimited' ? Infinity : Number(x)));
  return { soft, hard };
}

/** Each client socket is a file descriptor: re-run under a raised `ulimit -n` when the soft limit is too low. */
function ensureFdLimit(need: number): void {
  const { soft, hard } = fdLimits();
  if (soft >= need || process.env.NATTER_BENCH_ULIMIT_RAISED) return;
  const want = Math.min(hard, Math.max(need, 65536));
  if (want <= soft) return;
  console.log(`[bench] raising the open-file limit from ${soft} to ${want} (ulimit -n) and restarting`);
  const r = spawnSync('/bin/sh', ['-c', `ulimit -n ${want} && exec "$@"`, 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NATTER_BENCH_ULIMIT_RAISED: '1' },
  });
  process.exit(r.status ?? 1);
}

const opts = parseOptions(process.argv.slice(2));
ensureFdLimit(opts.idleSockets + 2000);
const has = (s: Scenario) => opts.scenarios.includes(s);
const say = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = opts.outDir ?? join(repoRoot, 'bench-results', stamp);
await mkdir(outDir, { recursive: true });
const natsVersion = spawnSync(process.env.NATS_SERVER_BIN ?? 'nats-server', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '?';

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGb: Math.round(totalmem() / 2 ** 30), node: process.version, natsServer: natsVersion },
  options: { ...opts },
  baselines: {},
  natter: {},
  ratios: {},
  notes: [],
  errors: [],
};

let settleGroups: Record<string, () => number[]> = {};
/** Waits (at most 30 s) until the sampled processes use under 25% of a core together: a step's backlog is gone. */
async function settle(): Promise<void> {
  if (!Object.keys(settleGroups).length) return;
  for (let i = 0; i < 30; i++) {
    const mon = new ProcMonitor(settleGroups);
    await new Promise((r) => setTimeout(r, 1000));
    const busy = mon.stop().reduce((a, p) => a + p.cpuPercent, 0);
    if (busy < 25) return;
    if (i === 0) say(`waiting for Natter to go idle (${busy.toFixed(0)}% CPU)`);
  }
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  await settle();
  say(`== ${name}`);
  try {
    await fn();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    say(`!! ${name} failed: ${msg}`);
    results.errors.push({ scenario: name, error: msg });
  }
}

const log = createLogger('bench', 'warn');
let raw: RawUwsHandle | undefined;
let natter: NatterHandle | undefined;
let probe: NatterProbe | undefined;
// Interrupted (Ctrl-C, or a SIGTERM to this process alone): stop what was started before exiting, or the
// stack's services, nats-server and Postgres would be left running with their temporary directories.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    say(`${sig}: stopping what the bench started`);
    void Promise.allSettled([raw?.stop(), natter?.stop()]).finally(() => process.exit(130));
  });
}
try {
  raw = await startRawUws();
  const rawT = rawTarget(raw.url, raw.pid);
  const needNatter = !opts.rawOnly && opts.scenarios.some((s) => s !== 'baselines');
  let natterT: Target | undefined;
  let pop: Population | undefined;
  let api: NatterApi | undefined;
  if (needNatter || has('baselines')) {
    const preload = new URL('./cpu-profile-preload.mjs', import.meta.url).pathname;
    const env = opts.profile ? { NODE_OPTIONS: `--import ${preload}`, NATTER_CPU_PROF_DIR: join(outDir, 'profiles') } : undefined; // benchLimits are added by acquireNatter
    natter = await acquireNatter({ log, env, progress: (s) => say(s) });
    say(`Natter: command ${natter.commandUrl}, query ${natter.queryUrl}, edge ${natter.edgeWsUrl}; sampling ${Object.keys(natter.procs).join(', ')}`);
    api = new NatterApi(natter.commandUrl, natter.queryUrl);
    pop = new Population(api, Date.now().toString(36), say);
    probe = await NatterProbe.open({ commandUrl: natter.commandUrl, projectorsUrl: natter.projectorsUrl, natsUrl: natter.natsUrl });
    natterT = natterTarget(natter.edgeWsUrl, pop, natter.procs, { probe });
    settleGroups = natter.procs;
  }
  const fan = (name: string, rooms: number, members: number, totalRate: number, maxPerSender: number): FanoutOptions => ({
    name, rooms, members, totalRate, durationMs: opts.durationS * 1000, maxPerSender, workers: opts.workers, textBytes: opts.textBytes,
  });

  if (has('baselines')) {
    await step('raw JetStream publish', async () => {
      results.baselines.jetstream = await jetStreamBaseline({ messages: opts.jetstreamMessages, inFlight: 1000 });
      say(`raw JetStream: ${results.baselines.jetstream.msgPerSec} msg/s`);
    });
    await step('raw Postgres inserts', async () => {
      const batch = Number(process.env.PROJECTOR_BATCH_MAX_EVENTS ?? 500);
      const server = new URL(natter!.databaseUrl);
      server.pathname = '/postgres';
      results.baselines.postgres = await postgresBaseline({ serverUrl: server.toString(), rows: opts.postgresRows, batch });
      say(`raw Postgres: ${results.baselines.postgres.rowsPerSec} rows/s at batch ${batch}`);
    });
  }
  if (pop && (has('fanout-small') || has('saturation') || has('idle'))) {
    await step('register users', async () => {
      await pop!.ensureUsers(opts.users);
    });
  }
  // Idle first: a fresh edge and a short stream, so RSS per connection is not blurred by earlier scenarios' heap.
  if (has('idle')) {
    const fd = `${fdLimits().soft}`;
    await step('raw idle sockets', async () => {
      // A fresh server, so its RSS growth is the sockets' and not leftovers of earlier scenarios.
      const fresh = await startRawUws();
      try {
        results.baselines.rawIdle = await idleScenario({
          target: 'raw-uws', dialect: 'raw', sockets: opts.idleSockets, urlFor: () => `${fresh.url}?rooms=`, serverPids: () => [fresh.pid],
          procs: { 'raw-uws': () => [fresh.pid] }, workers: opts.workers, fdLimit: fd, concurrency: 50, storm: { concurrency: opts.idleSockets },
        }, say);
      } finally {
        await fresh.stop();
      }
    });
    if (natter && pop) {
      await step('Natter idle sockets', async () => {
        const users = await pop!.ensureUsers(Math.min(opts.users, opts.idleSockets));
        const edgePids = natter!.procs[Object.keys(natter!.procs).find((k) => k.startsWith('edge'))!];
        const membershipQueries = async () => sum(await scrape(natter!.queryUrl), 'natter_query_rpc_requests_total', { subject: 'natter.query.user-rooms' });
        results.natter.idle = await idleScenario({
          target: 'natter', dialect: 'natter', sockets: opts.idleSockets, urlFor: (i) => `${natter!.edgeWsUrl}?access_token=${users[i % users.length].accessToken}`,
          serverPids: edgePids ?? (() => []), procs: natter!.procs, workers: opts.workers, fdLimit: fd, concurrency: 50,
          storm: { concurrency: opts.idleSockets, membershipQueries },
        }, say);
        results.notes.push(`Idle sockets: ${opts.idleSockets} sockets over ${users.length} registered users (${Math.ceil(opts.idleSockets / users.length)} devices per user).`);
      });
    }
  }
  if (has('fanout-small')) {
    const o = fan('fan-out 50 rooms x 20', 50, 20, 500, 10);
    await step('raw fan-out small rooms', async () => void (results.baselines.rawFanoutSmall = await fanoutScenario(rawT, o, say)));
    if (natterT) await step('Natter fan-out small rooms', async () => void (results.natter.fanoutSmall = await fanoutScenario(natterT!, o, say)));
  }
  if (has('fanout-big')) {
    const o = fan('fan-out 1 room x 500', 1, 500, 50, opts.maxPerSender);
    await step('raw fan-out big room', async () => void (results.baselines.rawFanoutBig = await fanoutScenario(rawT, o, say)));
    if (natterT) await step('Natter fan-out big room', async () => void (results.natter.fanoutBig = await fanoutScenario(natterT!, o, say)));
  }
  if (has('saturation')) {
    const s = { rooms: 100, members: 10, startRate: opts.satStartRate, factor: opts.satFactor, stepMs: opts.stepS * 1000, maxPerSender: opts.maxPerSender, workers: opts.workers, textBytes: opts.textBytes, p99LimitMs: opts.p99LimitMs };
    await step('raw saturation (generator ceiling)', async () => {
      results.baselines.rawSaturation = await saturationScenario(rawT, { ...s, maxSteps: opts.rawSatMaxSteps, maxPerSender: 1e9, overloadSteps: 0 }, say);
    });
    if (natterT) await step('Natter saturation', async () => void (results.natter.saturation = await saturationScenario(natterT!, { ...s, maxSteps: opts.satMaxSteps, overloadSteps: opts.satOverloadSteps }, say)));
  }
  if (has('saturation-cluster') && !opts.rawOnly) {
    // The same saturation against the cluster topology, started for this step alone (the single-node stack
    // stays up, idle, meanwhile): how the scale-out topology compares on the same machine in the same run.
    const s = { rooms: 100, members: 10, startRate: opts.satStartRate, factor: opts.satFactor, stepMs: opts.stepS * 1000, maxPerSender: opts.maxPerSender, workers: opts.workers, textBytes: opts.textBytes, p99LimitMs: opts.p99LimitMs };
    await step('Natter cluster saturation', async () => {
      const cluster = await acquireNatter({ log, progress: (m) => say(`cluster: ${m}`), cluster: true });
      try {
        const cpop = new Population(new NatterApi(cluster.commandUrl, cluster.queryUrl), `c${Date.now().toString(36)}`, say);
        await cpop.ensureUsers(opts.users);
        const t = natterTarget(cluster.edgeWsUrls, cpop, cluster.procs, { name: 'natter-cluster' });
        results.natter.saturationCluster = await saturationScenario(t, { ...s, maxSteps: opts.satMaxSteps, overloadSteps: 0 }, say);
      } finally {
        await cluster.stop();
      }
    });
  }
  if (has('command') && natterT && pop && api) {
    await step('command latency', async () => {
      const ws = await fanoutScenario(natterT!, fan('command latency WS', 20, 5, opts.commandRate, opts.maxPerSender), say);
      const rooms = await pop!.rooms(20, 1);
      const http = await httpSendLatency({ api: api!, senders: rooms.map((r) => ({ user: r.members[0], roomId: r.id })), rate: opts.commandRate, durationMs: opts.durationS * 1000, maxInFlight: 500 });
      results.natter.commandLatency = { ws, http };
      say(`command latency: WS p50 ${ws.ackLatencyMs.p50} p99 ${ws.ackLatencyMs.p99} ms; HTTP p50 ${http.latencyMs.p50} p99 ${http.latencyMs.p99} ms`);
    });
  }
  let seeded = false;
  if (has('history') && natter && pop && api) {
    await step('history', async () => {
      const [owner] = await pop!.ensureUsers(1);
      const seed = await seedRoom({ natsUrl: natter!.natsUrl, api: api!, owner, messages: opts.historyMessages, inFlight: 1000, timeoutMs: 30 * 60_000 }, say);
      seeded = true;
      results.natter.history = await historyScenario({ api: api!, user: owner, seed, requests: opts.historyRequests });
      say(`history: latest p50 ${results.natter.history.latest.p50} p99 ${results.natter.history.latest.p99} ms; middle p50 ${results.natter.history.middle.p50} p99 ${results.natter.history.middle.p99} ms`);
    });
  }
  if (has('directory') && natter && pop && api) {
    await step('directory', async () => {
      const [user] = await pop!.ensureUsers(1);
      const seed = await seedUsers({ natsUrl: natter!.natsUrl, api: api!, user, users: opts.directoryUsers, inFlight: 1000, timeoutMs: 30 * 60_000 }, say);
      results.natter.directory = await directoryScenario({ api: api!, user, users: opts.directoryUsers, requests: opts.directoryRequests, seed });
      say(`directory of ${opts.directoryUsers} users: p50 ${results.natter.directory.all.p50} p99 ${results.natter.directory.all.p99} ms`);
    });
  }
  if (has('search') && natter && pop && api) {
    await step('search', async () => {
      const [user] = await pop!.ensureUsers(1);
      const seed = await seedSearch({ natsUrl: natter!.natsUrl, api: api!, owner: user, messages: opts.searchMessages, rooms: opts.searchRooms, inFlight: 1000, timeoutMs: 60 * 60_000 }, say);
      results.natter.search = await searchScenario({ api: api!, user, messages: opts.searchMessages, requests: opts.searchRequests, seed });
      say(`search over ${opts.searchMessages} messages: p50 ${results.natter.search.all.p50} p99 ${results.natter.search.all.p99} ms`);
    });
  }
  if (has('unread') && natter && pop && api) {
    await step('unread', async () => {
      const [user] = await pop!.ensureUsers(1);
      results.natter.unread = await unreadScenario({ api: api!, user, databaseUrl: natter!.databaseUrl, rooms: opts.unreadRooms, messages: opts.unreadMessages, requests: opts.unreadRequests }, say);
      const u = results.natter.unread;
      say(`GET /api/me/rooms with counts (${u.rooms} rooms, ${u.messages} messages): p50 ${u.myRooms.p50} p99 ${u.myRooms.p99} ms (GET /api/me p99 ${u.baseline.p99} ms; the same ${u.answerBytes} bytes from a bare Node server p50 ${u.transportFloor.p50} p99 ${u.transportFloor.p99} ms)`);
    });
  }
  if (has('replay') && natter) {
    await step('replay', async () => {
      if (!seeded) results.notes.push('Replay ran without the history seed: the stream holds only what the other scenarios wrote.');
      const batch = Number(process.env.PROJECTOR_BATCH_MAX_EVENTS ?? 500);
      results.natter.replay = await replayScenario({ natsUrl: natter!.natsUrl, databaseUrl: natter!.databaseUrl, batchMaxEvents: batch });
      say(`replay: ${results.natter.replay.events} events at ${results.natter.replay.eventsPerSec} events/s; search back-fill ${results.natter.replay.search?.eventsPerSec ?? '?'} events/s`);
    });
  }
} finally {
  await probe?.close().catch(() => {});
  await raw?.stop().catch(() => {});
  if (natter) {
    say('stopping Natter');
    await natter.stop().catch((err) => say(`stop failed: ${String(err)}`));
  }
}

results.finishedAt = new Date().toISOString();
results.notes.push(
  'Latency is send time (embedded in the message text) to receive time on one monotonic clock shared by the generator threads.',
  'The generator, Natter, NATS and Postgres share the same 2 cores: the raw uWS saturation is the generator ceiling on this box.',
  'One sender per room: the stack runs with its per-user send limit and per-socket frame limit raised (COMMAND_API_SENDS_PER_SECOND, EDGE_COMMANDS_PER_SECOND, EDGE_COMMAND_BURST; natter/stack-handle.ts).',
  'CPU per message: CPU time of each process over a window from the first send until every acknowledged message was delivered, divided by the acknowledged messages (edge and raw uWS also per delivery).',
);
if (results.natter.history) results.notes.push('History seed: MessageSent events appended straight to the stream (async JetStream publishes); the live projector built the read model.');
const md = await writeReport(outDir, results, opts.p99LimitMs);
console.log(`\n${md}\n[bench] results in ${outDir}`);
process.exit(results.errors.length ? 1 : 0);
