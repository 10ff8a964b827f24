import type { JetStreamBaseline } from '../baselines/jetstream';
import type { CpuCost } from '../cost';
import type { PostgresBaseline } from '../baselines/postgres';
import type { HttpSendResult } from '../scenarios/command-latency';
import type { FanoutResult, SaturationResult, SaturationStep } from '../scenarios/fanout';
import type { DirectoryResult } from '../scenarios/directory';
import type { SearchBenchResult } from '../scenarios/search';
import type { UnreadResult } from '../scenarios/unread';
import type { HistoryResult } from '../scenarios/history';
import type { IdleResult } from '../scenarios/idle';
import type { ReplayResult } from '../scenarios/replay';

/** Everything one `npm run bench` measured; written as results.json. */
export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  host: { cpus: number; cpuModel: string; memGb: number; node: string; natsServer: string };
  options: Record<string, unknown>;
  baselines: {
    jetstream?: JetStreamBaseline;
    postgres?: PostgresBaseline;
    rawFanoutSmall?: FanoutResult;
    rawFanoutBig?: FanoutResult;
    rawSaturation?: SaturationResult;
    rawIdle?: IdleResult;
  };
  natter: {
    fanoutSmall?: FanoutResult;
    fanoutBig?: FanoutResult;
    saturation?: SaturationResult;
    /** The same saturation run against the cluster topology (startStack cluster: 3 NATS nodes, R3, 2 of each). */
    saturationCluster?: SaturationResult;
    idle?: IdleResult;
    history?: HistoryResult;
    directory?: DirectoryResult;
    search?: SearchBenchResult;
    unread?: UnreadResult;
    replay?: ReplayResult;
    commandLatency?: { ws?: FanoutResult; http?: HttpSendResult };
  };
  ratios: Record<string, number | null>;
  notes: string[];
  errors: { scenario: string; error: string }[];
}

const ratio = (a?: number, b?: number) => (a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : null);

export function computeRatios(r: BenchResults): Record<string, number | null> {
  const n = r.natter;
  const b = r.baselines;
  return {
    'saturation msg/s, Natter / raw uWS': ratio(n.saturation?.maxMsgPerSec, b.rawSaturation?.maxMsgPerSec),
    'saturation deliveries/s, Natter / raw uWS': ratio(n.saturation?.maxDeliveriesPerSec, b.rawSaturation?.maxDeliveriesPerSec),
    'saturation msg/s, Natter cluster / single node': ratio(n.saturationCluster?.maxMsgPerSec, n.saturation?.maxMsgPerSec),
    'send rate (saturation msg/s), Natter / raw JetStream publish': ratio(n.saturation?.maxMsgPerSec, b.jetstream?.msgPerSec),
    [n.history?.seed.backlogEventsPerSec === null ? 'live projector events/s / raw Postgres rows/s (lower bound: it kept up with the publisher)' : 'live projector events/s (on a backlog) / raw Postgres rows/s']:
      ratio(n.history?.seed.backlogEventsPerSec ?? n.history?.seed.projectorEventsPerSec, b.postgres?.rowsPerSec),
    'replay events/s / raw Postgres rows/s': ratio(n.replay?.eventsPerSec, b.postgres?.rowsPerSec),
    'small rooms p99 latency, Natter / raw uWS': ratio(n.fanoutSmall?.latencyMs.p99, b.rawFanoutSmall?.latencyMs.p99),
    'big room p99 latency, Natter / raw uWS': ratio(n.fanoutBig?.latencyMs.p99, b.rawFanoutBig?.latencyMs.p99),
    'big room deliveries/s, Natter / raw uWS': ratio(n.fanoutBig?.deliveredPerSec, b.rawFanoutBig?.deliveredPerSec),
    'idle KB per connection, Natter / raw uWS': ratio(n.idle?.kbPerConnection, b.rawIdle?.kbPerConnection),
    'idle connect rate, Natter / raw uWS': ratio(n.idle?.connectPerSec, b.rawIdle?.connectPerSec),
    'reconnect storm rate, Natter / raw uWS': ratio(n.idle?.storm?.perSec, b.rawIdle?.storm?.perSec),
    'edge CPU per delivery / raw uWS CPU per delivery (50 rooms x 20)': ratio(n.fanoutSmall?.cpu?.serverUsPerDelivery ?? undefined, b.rawFanoutSmall?.cpu?.serverUsPerDelivery ?? undefined),
    'nats-server CPU per message, Natter send / raw JetStream publish (50 rooms x 20)': ratio(n.fanoutSmall?.cpu?.usPerMessage['nats-server'], b.jetstream?.natsServerUsPerMessage),
  };
}

/** The saturation step whose figures stand for the scenario: the highest that held, else the first. */
export const kneeStep = (s: SaturationResult) => [...s.steps].reverse().find((x) => x.held) ?? s.steps[0];

const PROCESS_ORDER = ['edge', 'command-api', 'projectors', 'query-api', 'nats-server', 'postgres', 'raw-uws'];
const processRank = (name: string) => {
  const i = PROCESS_ORDER.findIndex((p) => name === p || name.startsWith(`${p}-`));
  return i < 0 ? PROCESS_ORDER.length : i;
};

/** One table: per scenario, CPU µs per persisted message of each process, the fan-out server's per delivery. */
function cpuTable(rows: { label: string; cpu?: CpuCost; opsPerSend?: number | null }[]): string {
  const present = rows.filter((r) => r.cpu);
  if (!present.length) return '';
  const names = [...new Set(present.flatMap((r) => Object.keys(r.cpu!.usPerMessage)))].sort((a, b) => processRank(a) - processRank(b) || a.localeCompare(b));
  let md = `| scenario | messages | ${names.join(' | ')} | total µs/msg | server µs/delivery | JetStream requests/send |\n|---|---|${names.map(() => '---|').join('')}---|---|---|\n`;
  for (const r of present) {
    const c = r.cpu!;
    md += `| ${r.label} | ${num(c.messages)} | ${names.map((n) => num(c.usPerMessage[n])).join(' | ')} | ${num(c.totalUsPerMessage)} | ${num(c.serverUsPerDelivery)} | ${num(r.opsPerSend)} |\n`;
  }
  return md;
}

const num = (v: number | undefined | null) => (v === undefined || v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));

function fanoutRows(label: string, f?: FanoutResult): string {
  if (!f) return '';
  const procs = f.procs.map((p) => `${p.name} ${p.cpuPercent}% / ${p.rssMb} MB`).join('; ');
  return `| ${label} | ${f.target} | ${num(f.sent)} | ${num(f.expected)} | ${num(f.delivered)} | ${num(f.lost)} | ${num(f.duplicates)} | ${num(f.outOfOrder)} | ${f.latencyMs.p50} / ${f.latencyMs.p95} / ${f.latencyMs.p99} / ${f.latencyMs.max} | ${num(f.deliveredPerSec)} | ${f.generatorCpuPercent}% | ${f.machineCpuPercent}% | ${procs} |\n`;
}

function saturationRow(st: SaturationStep): string {
  const lag = st.counts?.projectorLag;
  const held = st.overload ? 'past the knee' : st.held ? 'yes' : 'no';
  return `| ${num(st.rate)} | ${held} | ${num(st.admittedPerSec)} | ${num(st.shedPerSec)} | ${st.p50} | ${st.p99} | ${num(st.deliveredPerSec)} | ${num(st.lost)} | ${num(st.cpu?.totalUsPerMessage)} | ${lag ? `${num(lag.maxEvents)} / ${num(lag.maxMs)}, ${num(lag.catchUpMs)}` : '–'} | ${st.generatorCpuPercent}% | ${st.machineCpuPercent}% | ${st.procs.map((p) => `${p.name} ${p.cpuPercent}%`).join('; ')} | ${st.why.join('; ')} |\n`;
}

export function renderMarkdown(r: BenchResults): string {
  const n = r.natter;
  const b = r.baselines;
  let md = `# Natter benchmark ${r.startedAt}\n\n`;
  md += `Host: ${r.host.cpus} x ${r.host.cpuModel}, ${r.host.memGb} GB, Node ${r.host.node}, ${r.host.natsServer}. One run; every figure is from this run.\n\n`;
  md += `## Ratios to the baselines\n\n| figure | ratio |\n|---|---|\n`;
  for (const [k, v] of Object.entries(r.ratios)) md += `| ${k} | ${num(v)} |\n`;
  md += `\n## Baselines\n\n| baseline | figure |\n|---|---|\n`;
  if (b.jetstream) md += `| raw JetStream async publish (file storage, Natter's stream config, ${b.jetstream.inFlight} in flight, ${b.jetstream.bodyBytes} B) | ${num(b.jetstream.msgPerSec)} msg/s; CPU per message: nats-server ${num(b.jetstream.natsServerUsPerMessage)} µs, publisher ${num(b.jetstream.publisherUsPerMessage)} µs |\n`;
  if (b.postgres) md += `| raw Postgres multi-row insert, batch ${b.postgres.batch} + checkpoint per transaction | ${num(b.postgres.rowsPerSec)} rows/s |\n`;
  if (b.rawSaturation) md += `| raw uWS pub/sub saturation (${b.rawSaturation.rooms} x ${b.rawSaturation.members}) = generator ceiling | ${num(b.rawSaturation.maxMsgPerSec)} msg/s, ${num(b.rawSaturation.maxDeliveriesPerSec)} deliveries/s |\n`;
  if (b.rawIdle) md += `| raw uWS idle sockets (${num(b.rawIdle.connected)}) | ${b.rawIdle.kbPerConnection} KB/conn, ${num(b.rawIdle.connectPerSec)} conn/s${b.rawIdle.storm ? `; reconnect storm ${num(b.rawIdle.storm.perSec)} conn/s` : ''} |\n`;
  const sat = n.saturation ? kneeStep(n.saturation) : undefined;
  const rawSat = b.rawSaturation ? kneeStep(b.rawSaturation) : undefined;
  const cpu = cpuTable([
    { label: 'Natter 50 rooms x 20, 500 msg/s', cpu: n.fanoutSmall?.cpu, opsPerSend: n.fanoutSmall?.counts?.jetStreamOpsPerSendTotal },
    { label: 'raw uWS 50 rooms x 20, 500 msg/s', cpu: b.rawFanoutSmall?.cpu },
    { label: 'Natter 1 room x 500, 50 msg/s', cpu: n.fanoutBig?.cpu, opsPerSend: n.fanoutBig?.counts?.jetStreamOpsPerSendTotal },
    { label: 'raw uWS 1 room x 500, 50 msg/s', cpu: b.rawFanoutBig?.cpu },
    { label: `Natter saturation at ${num(sat?.rate)} msg/s (highest held)`, cpu: sat?.cpu, opsPerSend: sat?.counts?.jetStreamOpsPerSendTotal },
    { label: `raw uWS saturation at ${num(rawSat?.rate)} msg/s (highest held)`, cpu: rawSat?.cpu },
    { label: 'Natter command latency (WS)', cpu: n.commandLatency?.ws?.cpu, opsPerSend: n.commandLatency?.ws?.counts?.jetStreamOpsPerSendTotal },
  ]);
  if (cpu) {
    md += `\n## CPU per persisted message (µs), process by process\n\nCPU time of each process from the first send of a window until its messages were delivered, per acknowledged message; the fan-out server (Natter's edge, or the raw uWS server) also per delivery. `;
    md += `Raw JetStream publish (baseline above): nats-server ${num(b.jetstream?.natsServerUsPerMessage)} µs per message.\n\n${cpu}`;
    const ops = n.fanoutSmall?.counts?.jetStreamOpsPerSend ?? sat?.counts?.jetStreamOpsPerSend;
    if (ops) md += `\nJetStream requests per SendMessage by operation (command-api's natter_jetstream_requests_total): ${Object.entries(ops).map(([k, v]) => `${k} ${v}`).join(', ')}.\n`;
  }
  md += `\n## Fan-out\n\n| scenario | target | sent | expected | delivered | lost | dup | out of order | latency ms p50 / p95 / p99 / max | delivered/s | generator CPU | machine CPU (of 200%) | CPU / RSS per process |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  md += fanoutRows('50 rooms x 20, 500 msg/s', n.fanoutSmall) + fanoutRows('50 rooms x 20, 500 msg/s', b.rawFanoutSmall);
  md += fanoutRows('1 room x 500, 50 msg/s', n.fanoutBig) + fanoutRows('1 room x 500, 50 msg/s', b.rawFanoutBig);
  md += fanoutRows('command latency (WS)', n.commandLatency?.ws);
  const retried = [n.fanoutSmall, b.rawFanoutSmall, n.fanoutBig, b.rawFanoutBig, n.commandLatency?.ws].filter((f) => f && f.connectRetries > 0);
  for (const f of retried) md += `\n${f!.target} ${f!.scenario}: ${f!.connectRetries} connection attempts were retried (${f!.connectErrors.join('; ')}).\n`;
  for (const s of [n.saturation, n.saturationCluster, b.rawSaturation]) if (s?.connectRetries) md += `\n${s.target} saturation: ${s.connectRetries} connection attempts were retried.\n`;
  if (n.idle?.retries) md += `\nNatter idle: ${n.idle.retries} connection attempts were retried (${n.idle.errors.join('; ')}).\n`;
  for (const s of [n.saturation, n.saturationCluster, b.rawSaturation]) {
    if (!s) continue;
    md += `\n## Saturation: ${s.target}, ${s.rooms} rooms x ${s.members}: highest rate that held ${num(s.maxMsgPerSec)} msg/s (${num(s.maxDeliveriesPerSec)} deliveries/s)\n\n`;
    md += `| msg/s offered | held | admitted msg/s | shed msg/s | p50 ms | p99 ms (admitted) | delivered/s | lost | CPU µs/msg | projector lag max events / ms, catch-up ms | generator CPU | machine CPU (of 200%) | processes | why not |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
    for (const st of s.steps) md += saturationRow(st);
  }
  if (n.idle) md += `\n## Idle connections (Natter)\n\n${num(n.idle.connected)} of ${num(n.idle.sockets)} sockets, ${num(n.idle.connectPerSec)} conn/s, edge RSS ${n.idle.rssBeforeMb} -> ${n.idle.rssAfterMb} MB = ${n.idle.kbPerConnection} KB per connection (fd limit ${n.idle.fdLimit}). CPU while connecting: ${n.idle.procs.map((p) => `${p.name} ${p.cpuPercent}%`).join('; ')}.\n`;
  for (const i of [n.idle, b.rawIdle]) {
    const st = i?.storm;
    if (!st) continue;
    md += `\nReconnect storm (${i!.target}): all ${num(st.sockets)} sockets reset at once and reconnected at once: ${num(st.connected)} back in ${st.seconds} s (${num(st.perSec)} conn/s, ${num(st.retries)} retried, ${num(st.failed)} failed)${st.membershipQueries === null ? '' : `, ${num(st.membershipQueries)} membership queries to query-api`}. CPU: ${st.procs.map((p) => `${p.name} ${p.cpuPercent}%`).join('; ')}.\n`;
  }
  if (n.history) {
    const h = n.history;
    md += `\n## History (room of ${num(h.seed.messages)} messages, seeded by direct JetStream appends, projected by the live projector)\n\n`;
    md += `Seed: published at ${num(h.seed.publishPerSec)} msg/s; live projector ${num(h.seed.projectorEventsPerSec)} events/s from the first publish to caught up, ${h.seed.backlogEventsPerSec === null ? 'kept up with publishing' : `${num(h.seed.backlogEventsPerSec)} events/s on the backlog left after publishing`}; caught up ${h.seed.catchUpSeconds} s after the first publish.\n\n`;
    md += `| page | p50 ms | p99 ms | max ms | req/s (one in flight) |\n|---|---|---|---|---|\n`;
    md += `| latest 50 | ${h.latest.p50} | ${h.latest.p99} | ${h.latest.max} | ${num(h.latest.reqPerSec)} |\n| mid-history 50 | ${h.middle.p50} | ${h.middle.p99} | ${h.middle.max} | ${num(h.middle.reqPerSec)} |\n`;
  }
  if (n.directory) {
    const d = n.directory;
    md += `\n## User directory (${num(d.users)} users seeded by direct JetStream appends at ${num(d.publishPerSec)}/s, projected ${d.catchUpSeconds} s after the first)\n\n`;
    md += `${num(d.requests)} requests, one in flight, the searches (\`GET /api/users?q=&limit=20\`) interleaved with \`GET /api/me\` as the same-run reference; searches: p50 ${d.all.p50} ms, p99 ${d.all.p99} ms, max ${d.all.max} ms, ${num(d.all.reqPerSec)} req/s.\n\n| query | p50 ms | p99 ms | max ms | results (mean) |\n|---|---|---|---|---|\n`;
    for (const [name, c] of Object.entries(d.byClass)) md += `| ${name} | ${c.p50} | ${c.p99} | ${c.max} | ${c.results} |\n`;
  }
  if (n.unread) {
    const u = n.unread;
    md += `\n## Unread counts (issue 12): GET /api/me/rooms for a user in ${num(u.rooms)} rooms, ${num(u.messages)} messages in total (read model seeded directly in ${u.seedSeconds} s)\n\n`;
    md += `${num(u.requests)} requests, one in flight, interleaved with two same-run references: \`GET /api/me\`, and the transport floor (the same ${num(u.answerBytes)} bytes of answer served as a fixed string by a bare Node HTTP server, fetched and parsed the same way); the answer counts ${num(u.totalUnread)} unread messages and ${num(u.totalMentions)} mentions over the seeded rooms.\n\n| request | p50 ms | p99 ms | max ms |\n|---|---|---|---|\n`;
    md += `| GET /api/me/rooms (with counts) | ${u.myRooms.p50} | ${u.myRooms.p99} | ${u.myRooms.max} |\n| GET /api/me (reference) | ${u.baseline.p50} | ${u.baseline.p99} | ${u.baseline.max} |\n`;
    if (u.transportFloor) md += `| the same answer from a bare Node HTTP server (transport floor) | ${u.transportFloor.p50} | ${u.transportFloor.p99} | ${u.transportFloor.max} |\n`;
  }
  if (n.search) {
    const s = n.search;
    md += `\n## Message search (${num(s.messages)} messages in ${s.rooms} rooms, all readable by the searcher; seeded by direct JetStream appends at ${num(s.publishPerSec)}/s, indexed ${s.indexedSeconds} s after the first)\n\n`;
    md += `${num(s.requests)} searches (\`GET /api/search?q=&limit=20\`), one in flight: p50 ${s.all.p50} ms, p99 ${s.all.p99} ms, max ${s.all.max} ms, ${num(s.all.reqPerSec)} req/s.\n\n| query | p50 ms | p99 ms | max ms | results (mean) |\n|---|---|---|---|---|\n`;
    for (const [name, c] of Object.entries(s.byClass)) md += `| ${name} | ${c.p50} | ${c.p99} | ${c.max} | ${c.results} |\n`;
  }
  if (n.replay) {
    md += `\n## Replay\n\nRebuilt the read model from ${num(n.replay.events)} events in ${n.replay.seconds} s: ${num(n.replay.eventsPerSec)} events/s (batch ${n.replay.batchMaxEvents}).`;
    if (n.replay.search) md += ` Search back-fill (the search projection alone over the same events, from checkpoint 0, as when search is added to a running deployment): ${num(n.replay.search.events)} events in ${n.replay.search.seconds} s, ${num(n.replay.search.eventsPerSec)} events/s.`;
    md += '\n';
  }
  const cl = n.commandLatency;
  if (cl) {
    md += `\n## Command latency (send to ack)\n\n| path | rate msg/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|\n`;
    if (cl.ws) md += `| WebSocket | ${cl.ws.targetMsgPerSec} | ${cl.ws.ackLatencyMs.p50} | ${cl.ws.ackLatencyMs.p95} | ${cl.ws.ackLatencyMs.p99} | ${cl.ws.ackLatencyMs.max} | ${JSON.stringify(cl.ws.sendErrors)} |\n`;
    if (cl.http) md += `| HTTP POST | ${cl.http.rate} | ${cl.http.latencyMs.p50} | ${cl.http.latencyMs.p95} | ${cl.http.latencyMs.p99} | ${cl.http.latencyMs.max} | ${JSON.stringify(cl.http.errors)} |\n`;
  }
  if (r.notes.length) md += `\n## Notes\n\n${r.notes.map((x) => `- ${x}`).join('\n')}\n`;
  if (r.errors.length) md += `\n## Errors\n\n${r.errors.map((e) => `- ${e.scenario}: ${e.error}`).join('\n')}\n`;
  return md;
}
