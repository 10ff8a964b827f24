import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process as /proc shows it. */
export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  argv: string[];
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return null; // a zombie serves nothing: it only waits for its parent to reap it
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(f[1]), pgid: Number(f[2]), argv };
  } catch {
    return null; // gone
  }
}

export function allProcs(): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== null);
}

/** Every live process below `root` (children, their children, ...). */
export function descendants(root: number, procs = allProcs()): Proc[] {
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of procs) {
      if (p.ppid === parent) {
        out.push(p);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

export function alive(pid: number): boolean {
  return readProc(pid) !== null;
}

/** Any live (non-zombie) process left in process group `pgid`. */
export function groupMembers(pgid: number, procs = allProcs()): Proc[] {
  return procs.filter((p) => p.pgid === pgid);
}

function listeningSockets(): Map<string, number> {
  const inodes = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length >= 10 && c[3] === '0A') inodes.set(c[9], parseInt(c[1].split(':')[1], 16)); // 0A = LISTEN
    }
  }
  return inodes;
}

/** TCP ports `pid` is listening on. */
export function listeningPorts(pid: number): number[] {
  const sockets = listeningSockets();
  const ports = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      const port = m && sockets.get(m[1]);
      if (port) ports.add(port);
    } catch {
      // closed meanwhile
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Is anything on this machine listening on `port`? */
export function portListening(port: number): boolean {
  return [...listeningSockets().values()].includes(port);
}
