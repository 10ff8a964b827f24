import { cpus } from 'node:os';
import { cpuCost, isFanoutServer, type CpuCost } from '../cost';
import { LoadGenerator, type FanoutOutcome } from '../generator/generator';
import { planSenders } from '../natter/population';
import type { WindowCounts } from '../natter/probe';
import { machineCpu, ProcMonitor, type ProcUsage } from '../procstat';
import type { Target } from '../targets';

export interface FanoutOptions {
  name: string;
  rooms: number;
  members: number;
  totalRate: number;
  durationMs: number;
  /** Most msg/s per sending user (Natter's command-api allows 10 msg/s per user). */
  maxPerSender: number;
  workers: number;
  textBytes: number;
}

export interface FanoutResult extends FanoutOutcome {
  scenario: string;
  target: string;
  rooms: number;
  members: number;
  connectPerSec: number;
  connectFailed: number;
  /** Connection attempts that failed and were retried (a closed or refused handshake). */
  connectRetries: number;
  connectErrors: string[];
  procs: ProcUsage[];
  /** CPU of the bench process itself (main thread + generator workers), percent of one core. */
  generatorCpuPercent: number;
  /** Whole machine busy, percent of one core (other tenants included). */
  machineCpuPercent: number;
  /** CPU per persisted message of each process, and of the fan-out server per delivery. */
  cpu: CpuCost;
  /** Natter's own counters over the window (JetStream requests per send, errors, projector lag). */
  counts: WindowCounts | null;
}

/**
 * Measures a fan-out step from the opening of its send window until its messages are delivered: CPU and RSS of
 * the target's processes, CPU of this process (main thread + generator workers) in percent of one core, and
 * Natter's counters (the target's probe).
 */
export class WindowMeter {
  private mon: ProcMonitor | undefined;
  private c0 = process.cpuUsage();
  private t0 = 0;
  private m0 = machineCpu();
  procs: ProcUsage[] = [];
  generatorCpuPercent = 0;
  /** Busy share of the whole machine over the window, in percent of one core (2 cores = 200). */
  machineCpuPercent = 0;
  counts: WindowCounts | null = null;

  constructor(private readonly t: Target) {}

  readonly onWindow = async (phase: 'begin' | 'end'): Promise<void> => {
    if (phase === 'begin') {
      await this.t.probe?.begin();
      this.mon = new ProcMonitor(this.t.procs);
      this.c0 = process.cpuUsage();
      this.m0 = machineCpu();
      this.t0 = performance.now();
    } else {
      this.procs = this.mon?.stop() ?? [];
      const c = process.cpuUsage(this.c0);
      this.generatorCpuPercent = Math.round(((c.user + c.system) / 1000 / (performance.now() - this.t0)) * 1000) / 10;
      const m = machineCpu();
      this.machineCpuPercent = Math.round(((m.busy - this.m0.busy) / Math.max(1, m.total - this.m0.total)) * cpus().length * 1000) / 10;
      this.counts = (await this.t.probe?.end()) ?? null;
    }
  };

  cost(out: FanoutOutcome): CpuCost {
    return cpuCost(this.procs, out.acked, out.delivered, isFanoutServer);
  }
}

/** Connects one socket per member, sends at the total rate for the duration, waits for delivery, reports. */
export async function fanoutScenario(t: Target, o: FanoutOptions, log: (m: string) => void): Promise<FanoutResult> {
  const l = await t.prepare(o.rooms, o.members);
  const gen = LoadGenerator.start(o.workers);
  try {
    const c = await gen.connect(t.dialect, l.conns);
    log(`${t.name} ${o.name}: ${c.ok} sockets ready (${c.retries} retries, ${c.failed} failed${c.errors.length ? `: ${c.errors.join('; ')}` : ''}) at ${c.perSec.toFixed(0)}/s`);
    if (c.failed) throw new Error(`${c.failed} sockets failed to connect: ${c.errors.join('; ')}`);
    const senders = planSenders(l, o.totalRate, o.maxPerSender);
    const meter = new WindowMeter(t);
    const out = await gen.fanout({ senders, receivers: l.receivers, durationMs: o.durationMs, textBytes: o.textBytes, onWindow: meter.onWindow });
    const { procs, generatorCpuPercent: cpuPercent, machineCpuPercent, counts } = meter;
    const cpu = meter.cost(out);
    log(`${t.name} ${o.name}: delivered ${out.delivered}/${out.expected}, p99 ${out.latencyMs.p99} ms, ${out.deliveredPerSec}/s; ${cpu.totalUsPerMessage} µs CPU per message, server ${cpu.serverUsPerDelivery} µs per delivery${counts?.jetStreamOpsPerSendTotal ? `, ${counts.jetStreamOpsPerSendTotal} JetStream requests per send` : ''}`);
    return { scenario: o.name, target: t.name, rooms: o.rooms, members: o.members, connectPerSec: Math.round(c.perSec), connectFailed: c.failed, connectRetries: c.retries, connectErrors: c.errors, ...out, procs, generatorCpuPercent: cpuPercent, machineCpuPercent, cpu, counts };
  } finally {
    await gen.close();
  }
}

export interface SaturationOptions {
  rooms: number;
  members: number;
  startRate: number;
  factor: number;
  maxSteps: number;
  stepMs: number;
  maxPerSender: number;
  workers: number;
  textBytes: number;
  p99LimitMs: number;
  /** Steps run past the first one that did not hold, to show what happens past the knee (load shedding). */
  overloadSteps: number;
}

export interface SaturationStep {
  rate: number;
  held: boolean;
  /** Run past the knee: only shows the curve. */
  overload: boolean;
  why: string[];
  sent: number;
  acked: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  sendErrors: Record<string, number>;
  skipped: number;
  p50: number;
  p99: number;
  deliveredPerSec: number;
  procs: ProcUsage[];
  generatorCpuPercent: number;
  machineCpuPercent: number;
  /** Acknowledged (admitted and stored) messages per second of the send window. */
  admittedPerSec: number;
  /** Sends refused with `overloaded` (shed early) per second of the send window. */
  shedPerSec: number;
  cpu: CpuCost;
  counts: WindowCounts | null;
}

export interface SaturationResult {
  target: string;
  connectRetries: number;
  rooms: number;
  members: number;
  /** Highest rate that held (0 if the first step failed). */
  maxMsgPerSec: number;
  maxDeliveriesPerSec: number;
  steps: SaturationStep[];
}

/**
 * Steps the send rate up by `factor` until p99 passes the limit, a message is lost (or duplicated or out of
 * order), a send fails, or deliveries/s fall under 95% of the target (the knee). Bounded by maxSteps. Then
 * `overloadSteps` more steps at higher rates show what Natter does past the knee: how much it sheds
 * (`overloaded`), how much it admits, and the latency of what it admits.
 */
export async function saturationScenario(t: Target, o: SaturationOptions, log: (m: string) => void): Promise<SaturationResult> {
  const l = await t.prepare(o.rooms, o.members);
  const gen = LoadGenerator.start(o.workers);
  const steps: SaturationStep[] = [];
  let connectRetries = 0;
  try {
    const c = await gen.connect(t.dialect, l.conns);
    connectRetries = c.retries;
    if (c.retries) log(`${t.name} saturation: ${c.retries} connection attempts retried (${c.errors.join('; ')})`);
    if (c.failed) throw new Error(`${c.failed} sockets failed to connect: ${c.errors.join('; ')}`);
    let rate = o.startRate;
    let regular = 0;
    let pastKnee = -1; // steps left to run past the knee; -1 until a step does not hold
    while (pastKnee !== 0 && (pastKnee > 0 || regular < o.maxSteps)) {
      const overload = pastKnee > 0;
      const senders = planSenders(l, rate, o.maxPerSender);
      const meter = new WindowMeter(t);
      const out = await gen.fanout({ senders, receivers: l.receivers, durationMs: o.stepMs, textBytes: o.textBytes, drainMs: 5000, onWindow: meter.onWindow });
      const { procs, generatorCpuPercent: cpuPercent, machineCpuPercent, counts } = meter;
      const targetDeliveries = rate * o.members;
      const why: string[] = [];
      if (out.latencyMs.p99 > o.p99LimitMs) why.push(`p99 ${out.latencyMs.p99} ms > ${o.p99LimitMs}`);
      if (out.lost > 0) why.push(`${out.lost} lost`);
      if (out.duplicates > 0 || out.outOfOrder > 0) why.push(`${out.duplicates} dup / ${out.outOfOrder} out of order`);
      const errs = Object.values(out.sendErrors).reduce((a, b) => a + b, 0);
      if (errs > 0 || out.skipped > 0) why.push(`${errs} send errors ${JSON.stringify(out.sendErrors)}, ${out.skipped} not sent (in-flight cap)`);
      if (out.deliveredPerSec < 0.95 * targetDeliveries) why.push(`${out.deliveredPerSec} deliveries/s < 95% of ${targetDeliveries}`);
      const held = !overload && why.length === 0;
      const cpu = meter.cost(out);
      steps.push({
        rate, held, overload, why, sent: out.sent, acked: out.acked, expected: out.expected, delivered: out.delivered, lost: out.lost,
        duplicates: out.duplicates, outOfOrder: out.outOfOrder, sendErrors: out.sendErrors, skipped: out.skipped,
        p50: out.latencyMs.p50, p99: out.latencyMs.p99, deliveredPerSec: out.deliveredPerSec, procs, generatorCpuPercent: cpuPercent, machineCpuPercent,
        admittedPerSec: Math.round(out.acked / out.durationS), shedPerSec: Math.round((out.sendErrors.overloaded ?? 0) / out.durationS), cpu, counts,
      });
      log(`${t.name} saturation ${rate} msg/s: ${overload ? 'past the knee' : held ? 'held' : `failed (${why.join('; ')})`}; p99 ${out.latencyMs.p99} ms, ${out.deliveredPerSec} deliveries/s, admitted ${Math.round(out.acked / out.durationS)} msg/s, ${cpu.totalUsPerMessage} µs CPU/msg, generator ${cpuPercent}% CPU, machine ${machineCpuPercent}%`);
      if (overload) pastKnee--;
      else {
        regular++;
        if (!held) pastKnee = o.overloadSteps;
      }
      rate = Math.round(rate * o.factor);
      if (pastKnee !== 0) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await gen.close();
  }
  const best = [...steps].reverse().find((s) => s.held);
  return {
    target: t.name,
    connectRetries,
    rooms: o.rooms,
    members: o.members,
    maxMsgPerSec: best?.rate ?? 0,
    maxDeliveriesPerSec: best?.deliveredPerSec ?? 0,
    steps,
  };
}
