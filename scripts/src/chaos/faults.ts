import { rm } from 'node:fs/promises';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams } from '@natter/contracts';
import { waitFor as until } from '@natter/infra/testing';
import type { Stack, ServiceProcess } from '../stack/index';
import type { Traffic } from './traffic';

/** One fault and how the system came back from it (times from the kill, in ms). */
export interface FaultReport {
  fault: string;
  killed: string[];
  /** Until every killed unit was restarted by the supervisor and ready again. */
  backMs: number;
  /** Until every room had a send acknowledged after the kill and delivered to all its listeners. */
  recoveredMs: number;
  /** The longest time any room went without an acknowledged send. */
  stallMs: number;
  /** Fault-specific figures: the standby's takeover, a NATS node's catch-up. */
  extra: Record<string, number | string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults injected into a running cluster stack (startStack with `cluster: true`) with kill -9, while `traffic`
 * runs. Each fault waits until the killed processes are back (restarted by the stack's supervisor) and the
 * traffic is healthy again, and reports how long that took.
 */
export class Chaos {
  readonly reports: FaultReport[] = [];
  private constructor(
    private readonly stack: Stack,
    private readonly traffic: Traffic,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly say: (line: string) => void,
    private readonly timeoutMs: number,
  ) {}

  static async create(stack: Stack, traffic: Traffic, nc: NatsConnection, o: { say?: (line: string) => void; timeoutMs?: number } = {}): Promise<Chaos> {
    return new Chaos(stack, traffic, nc, await jetstreamManager(nc), o.say ?? (() => {}), o.timeoutMs ?? 90_000);
  }

  /** The NATS node leading the event stream now (a leader's death is the disruptive case). */
  async streamLeader(): Promise<string> {
    const leader = (await this.jsm.streams.info(Streams.events)).cluster?.leader;
    if (!leader) throw new Error('the event stream has no leader');
    return leader;
  }

  /** The projectors instance holding the projection lock now. */
  async activeProjector(): Promise<ServiceProcess> {
    return until('an active projector', async () => {
      for (const p of this.stack.services.projectors) if ((await role(p)).role === 'active') return p;
      return undefined;
    }, this.timeoutMs);
  }

  /** kill -9 the named units at once, then wait for them and for the traffic; `during` runs meanwhile. */
  async kill(fault: string, names: string[], o: { before?: () => Promise<void>; during?: (t0: number) => Promise<Record<string, number | string>> } = {}): Promise<FaultReport> {
    const units = names.map((n) => {
      const u = this.stack.units.find((x) => x.name === n);
      if (!u) throw new Error(`no unit ${n} (have ${this.stack.units.map((x) => x.name).join(', ')})`);
      return u;
    });
    const pids = units.map((u) => u.proc.pid!);
    await o.before?.();
    const t0 = Date.now();
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    this.say(`${fault}: kill -9 ${names.join(' + ')}`);
    const during = o.during?.(t0) ?? Promise.resolve({});
    during.catch(() => {}); // awaited below, after the units are back: its failure is reported there
    const back = await until(`${names.join(', ')} back`, async () => units.every((u, i) => u.up && u.proc.pid !== pids[i]) && Date.now(), this.timeoutMs);
    const recovered = await this.traffic.healthySince(Math.max(t0, back - 1), this.timeoutMs);
    const extra = await during;
    const report: FaultReport = { fault, killed: names, backMs: back - t0, recoveredMs: recovered - t0, stallMs: this.traffic.longestStall(t0, recovered), extra };
    this.reports.push(report);
    this.say(`${fault}: back in ${(report.backMs / 1000).toFixed(1)} s, traffic healthy in ${(report.recoveredMs / 1000).toFixed(1)} s, longest send stall ${(report.stallMs / 1000).toFixed(1)} s ${JSON.stringify(extra)}`);
    return report;
  }

  /** kill -9 the active projector: the standby must take over (before the killed one is back). */
  async killActiveProjector(): Promise<FaultReport> {
    const active = await this.activeProjector();
    const others = this.stack.services.projectors.filter((p) => p !== active);
    return this.kill('the active projector', [active.name], {
      during: async (t0) => {
        const next = await until('a standby to take over', async () => {
          for (const p of others) if ((await role(p)).role === 'active') return p;
          return undefined;
        }, this.timeoutMs, 50);
        const takeoverMs = Date.now() - t0;
        const target = (await this.jsm.streams.info(Streams.events)).state.last_seq;
        await until('the new active projector to catch up', async () => (await role(next)).appliedSeq >= target, this.timeoutMs);
        return { takenOverBy: next.name, takeoverMs, caughtUpMs: Date.now() - t0 };
      },
    });
  }

  /**
   * A NATS node loses its disk: its store is deleted under it, then it is killed. Restarted empty by the
   * supervisor, it must rejoin and catch up: every replicated stream (the events and the KV buckets) lists it
   * as a current replica again, and it can lead the event stream with all of it (leadership is moved to it:
   * Raft only elects a node that holds every committed entry, and the leader answers the stream's state).
   */
  async killNatsNodeWithStore(name: string): Promise<FaultReport> {
    const node = this.stack.natsNodes.find((n) => n.name === name);
    const unit = this.stack.units.find((u) => u.name === name);
    if (!node || !unit) throw new Error(`no NATS node ${name}`);
    const pid = unit.proc.pid;
    let lastSeq = 0;
    return this.kill(`${name} with its store deleted`, [name], {
      before: async () => {
        lastSeq = (await this.jsm.streams.info(Streams.events)).state.last_seq;
        await rm(node.storeDir, { recursive: true, force: true });
      },
      during: async (t0) => {
        await until(`${name} back`, async () => unit.up && unit.proc.pid !== pid, this.timeoutMs);
        await until(`${name} to be a current replica of every stream`, async () => {
          for await (const s of this.jsm.streams.list()) {
            if (s.config.num_replicas < 2) continue;
            const c = (await this.jsm.streams.info(s.config.name)).cluster;
            if (c?.leader !== name && !c?.replicas?.find((r) => r.name === name && r.current && !r.offline)) return false;
          }
          return true;
        }, this.timeoutMs, 250);
        const caughtUpMs = Date.now() - t0;
        const state = await until(`${name} to lead the event stream`, async () => {
          const i = await this.jsm.streams.info(Streams.events);
          if (i.cluster?.leader === name) return i.state;
          await this.nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${Streams.events}`, undefined, { timeout: 5000 }).catch(() => {});
          await sleep(1000);
          return undefined;
        }, this.timeoutMs, 500);
        if (state.last_seq < lastSeq || state.messages !== state.last_seq) {
          throw new Error(`${name} leads the event stream with ${state.messages} messages up to seq ${state.last_seq}; it had ${lastSeq} before the loss`);
        }
        return { caughtUpMs, leadsWithFullStreamMs: Date.now() - t0 };
      },
    });
  }
}

async function role(p: ServiceProcess): Promise<{ role: string; appliedSeq: number }> {
  const r = await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  if (!r) return { role: 'down', appliedSeq: 0 };
  return (await r.json().catch(() => ({ role: 'unknown', appliedSeq: 0 }))) as { role: string; appliedSeq: number };
}

/** The reports as a Markdown table (the soak script prints it; docs/benchmarks.md quotes one). */
export function reportTable(reports: FaultReport[]): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    '| fault | killed (kill -9) | back (restarted, ready) | traffic healthy again | longest send stall | other |',
    '|---|---|---|---|---|---|',
    ...reports.map((r) => `| ${r.fault} | ${r.killed.join(', ')} | ${s(r.backMs)} | ${s(r.recoveredMs)} | ${s(r.stallMs)} | ${Object.entries(r.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? s(v) : v}`).join(', ')} |`),
  ].join('\n');
}
