import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * CPU and memory of processes from /proc (Linux). CPU is utime+stime over wall time between two samples, in
 * percent of one core; RSS from /proc/<pid>/status (VmRSS now, VmHWM peak since start).
 */
const TICKS_PER_SEC = 100; // USER_HZ is 100 on every Linux we run on

export interface ProcSample {
  pid: number;
  atMs: number;
  cpuTicks: number;
  rssKb: number;
  threads: number;
}

export interface ProcUsage {
  name: string;
  pid: number;
  cpuPercent: number;
  /** CPU time used over the window (user + system), seconds: the basis of the per-message costs. */
  cpuSeconds: number;
  rssMb: number;
  peakRssMb: number;
}

export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { pid, atMs: Date.now(), cpuTicks, rssKb, threads };
  } catch {
    return null;
  }
}

/**
 * Samples named groups of processes every `everyMs` until stop(); stop() returns usage over the whole window.
 * A group is a function returning pids (Postgres is the postmaster plus its backends); CPU and RSS are summed.
 */
export class ProcMonitor {
  private first = new Map<number, ProcSample>();
  private last = new Map<number, ProcSample>();
  private peakKb = new Map<string, number>();
  private members = new Map<string, Set<number>>();
  private startedAt = Date.now();
  private timer: NodeJS.Timeout;

  constructor(private readonly groups: Record<string, () => number[]>, everyMs = 1000) {
    this.tick();
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  private tick(): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      let set = this.members.get(name);
      if (!set) this.members.set(name, (set = new Set()));
      let kb = 0;
      for (const pid of pids()) {
        const s = sampleProc(pid);
        if (!s) continue;
        set.add(pid);
        if (!this.first.has(pid)) this.first.set(pid, s);
        this.last.set(pid, s);
        kb += s.rssKb;
      }
      this.peakKb.set(name, Math.max(this.peakKb.get(name) ?? 0, kb));
    }
  }

  stop(): ProcUsage[] {
    clearInterval(this.timer);
    this.tick();
    const secs = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    const out: ProcUsage[] = [];
    for (const [name, set] of this.members) {
      let ticks = 0;
      let kb = 0;
      let pid = 0;
      for (const p of set) {
        const a = this.first.get(p);
        const b = this.last.get(p);
        if (!a || !b) continue;
        pid ||= p;
        ticks += b.cpuTicks - a.cpuTicks;
        if (b.atMs >= Date.now() - 5000) kb += b.rssKb;
      }
      if (!pid) continue;
      out.push({
        name,
        pid,
        cpuPercent: Math.round((ticks / TICKS_PER_SEC / secs) * 1000) / 10,
        cpuSeconds: ticks / TICKS_PER_SEC,
        rssMb: Math.round(kb / 102.4) / 10,
        peakRssMb: Math.round((this.peakKb.get(name) ?? 0) / 102.4) / 10,
      });
    }
    return out;
  }
}

/** The pid listening on a loopback TCP port, found through /proc/net/tcp socket inodes (no external tools). */
export function pidListeningOn(port: number): number | null {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 10 || c[3] !== '0A') continue; // 0A = LISTEN
      if (parseInt(c[1].split(':')[1], 16) === port) inodes.add(c[9]);
    }
  }
  if (!inodes.size) return null;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${d}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${d}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(d);
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return null;
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: total - idle, total };
}
