import { LoadGenerator } from '../generator/generator';
import type { ConnSpec } from '../generator/protocol';
import { ProcMonitor, sampleProc, type ProcUsage } from '../procstat';

export interface IdleResult {
  target: string;
  sockets: number;
  connected: number;
  failed: number;
  retries: number;
  errors: string[];
  connectSeconds: number;
  connectPerSec: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  kbPerConnection: number;
  /** The soft file-descriptor limit of the bench process (each client socket is one fd). */
  fdLimit: string;
  /** CPU and RSS of the target's processes while the sockets connected. */
  procs: ProcUsage[];
  /** Every socket reset at once, then all reconnecting at once. */
  storm?: ReconnectStorm;
}

/** The idle sockets dropped together (a network blip) and reconnected together. */
export interface ReconnectStorm {
  sockets: number;
  connected: number;
  failed: number;
  retries: number;
  errors: string[];
  seconds: number;
  perSec: number;
  /** Membership snapshots the edge asked query-api for (natter.query.user-rooms) during the storm; null for raw uWS. */
  membershipQueries: number | null;
  procs: ProcUsage[];
}

function rssKb(pids: number[]): number {
  return pids.reduce((a, p) => a + (sampleProc(p)?.rssKb ?? 0), 0);
}

/**
 * Opens `sockets` authenticated, idle connections (hello, resume {}, synced) and reports the connect rate
 * and the growth of the server's RSS per connection. `urlFor(i)` gives connection i's URL. With `storm`, then
 * resets every socket at once and reconnects them all at once (a network blip), and reports how fast they were
 * back and how many membership queries it cost.
 */
export async function idleScenario(o: {
  target: string;
  dialect: 'natter' | 'raw';
  sockets: number;
  urlFor: (i: number) => string;
  serverPids: () => number[];
  procs: Record<string, () => number[]>;
  workers: number;
  fdLimit: string;
  concurrency: number;
  /** Reconnect storm: lanes per generator worker (all sockets at once by default), and the query counter. */
  storm?: { concurrency: number; membershipQueries?: () => Promise<number> };
}, log: (m: string) => void): Promise<IdleResult> {
  const conns: ConnSpec[] = Array.from({ length: o.sockets }, (_, i) => ({ idx: i, url: o.urlFor(i), rooms: [] }));
  const gen = LoadGenerator.start(o.workers);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssKb(o.serverPids());
    const mon = new ProcMonitor(o.procs);
    const c = await gen.connect(o.dialect, conns, { concurrency: o.concurrency, timeoutMs: 60_000 });
    const procs = mon.stop();
    await new Promise((r) => setTimeout(r, 3000));
    const after = rssKb(o.serverPids());
    log(`${o.target} idle: ${c.ok}/${o.sockets} sockets in ${c.seconds.toFixed(1)} s (${c.perSec.toFixed(0)}/s), RSS ${(before / 1024).toFixed(0)} -> ${(after / 1024).toFixed(0)} MB`);
    let storm: ReconnectStorm | undefined;
    if (o.storm) {
      const q0 = await o.storm.membershipQueries?.();
      await gen.drop();
      const sm = new ProcMonitor(o.procs);
      const s = await gen.connect(o.dialect, conns, { concurrency: o.storm.concurrency, timeoutMs: 120_000 });
      const q1 = await o.storm.membershipQueries?.();
      const membershipQueries = q0 === undefined || q1 === undefined ? null : q1 - q0;
      storm = { sockets: o.sockets, connected: s.ok, failed: s.failed, retries: s.retries, errors: s.errors, seconds: Math.round(s.seconds * 10) / 10, perSec: Math.round(s.perSec), membershipQueries, procs: sm.stop() };
      log(`${o.target} reconnect storm: ${s.ok}/${o.sockets} back in ${s.seconds.toFixed(1)} s (${s.perSec.toFixed(0)}/s, ${s.retries} retries, ${s.failed} failed)${membershipQueries === null ? '' : `, ${membershipQueries} membership queries`}`);
    }
    return {
      storm,
      target: o.target,
      sockets: o.sockets,
      connected: c.ok,
      failed: c.failed,
      retries: c.retries,
      errors: c.errors,
      connectSeconds: Math.round(c.seconds * 10) / 10,
      connectPerSec: Math.round(c.perSec),
      rssBeforeMb: Math.round(before / 102.4) / 10,
      rssAfterMb: Math.round(after / 102.4) / 10,
      kbPerConnection: c.ok ? Math.round(((after - before) / c.ok) * 10) / 10 : 0,
      fdLimit: o.fdLimit,
      procs,
    };
  } finally {
    await gen.close();
  }
}
