import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@natter/infra/testing';
import { repoRoot } from '../../src/stack/service-process';
import { allProcs, descendants, groupMembers, listeningPorts, portListening, type Proc } from './procs';

/** The processes `npm run up` supervises, as a test sees them: children of up.ts, named by their command line. */
export type UnitName = 'nats-server' | 'postgres' | 'projectors' | 'command-api' | 'query-api' | 'edge-1' | 'nginx' | 'mail-catcher';

function unitOf(p: Proc): UnitName | null {
  const cmd = p.argv.join(' ');
  if (/(^|\/)nats-server /.test(cmd)) return 'nats-server';
  if (/\/postgres -D /.test(cmd)) return 'postgres';
  if (cmd.startsWith('nginx: master process')) return 'nginx';
  if (cmd.includes('projectors/src/main.ts')) return 'projectors';
  if (cmd.includes('command-api/src/main.ts')) return 'command-api';
  if (cmd.includes('query-api/src/main.ts')) return 'query-api';
  if (cmd.includes('realtime-edge/src/main.ts')) return 'edge-1';
  if (cmd.includes('mail-catcher/main.ts')) return 'mail-catcher';
  return null;
}

/**
 * The real launcher as a child process, in a process group of its own, with its own data dir and free ports
 * (NATS and Postgres started by it): `npm run up` itself, or `node scripts/bootstrap.mjs` (what the npm script
 * runs).
 */
export class Launched {
  private out = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every pid seen under the launcher (for cleanup and for "nothing is left" checks). */
  readonly seen = new Map<number, Proc>();

  private constructor(
    readonly proc: ChildProcess,
    readonly dataDir: string,
    readonly ports: { gateway: number; nats: number; postgres: number },
  ) {
    const collect = (d: Buffer) => {
      this.out += String(d);
      for (const w of this.waiters.splice(0)) w();
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    this.exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    this.exited.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(o: { via: 'npm' | 'bootstrap'; dataDir?: string; env?: Record<string, string>; args?: string[] }): Promise<Launched> {
    const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'natter-launcher-')));
    await chmod(dataDir, 0o755); // as root, Postgres runs as the postgres user and must reach dataDir/pg
    const ports = { gateway: await freePort(), nats: await freePort(), postgres: await freePort() };
    const env: Record<string, string | undefined> = {
      ...process.env,
      NATTER_DATA_DIR: dataDir,
      NATTER_PORT: String(ports.gateway),
      NATTER_NATS_PORT: String(ports.nats),
      NATTER_PG_PORT: String(ports.postgres),
      NATTER_BASE_PORT: '0',
      NATS_URL: undefined,
      DATABASE_URL: undefined,
      ...o.env,
    };
    const [cmd, args] = o.via === 'npm' ? ['npm', ['run', 'up', ...(o.args?.length ? ['--', ...o.args] : [])]] : [process.execPath, ['scripts/bootstrap.mjs', ...(o.args ?? [])]];
    const proc = spawn(cmd, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Launched(proc, dataDir, ports);
  }

  get base(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  get output(): string {
    return this.out;
  }

  /** Wait (bounded) until the console shows `re`, or fail with the console so far. */
  async waitForOutput(re: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.out)) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`launcher exited while waiting for ${re}:\n${this.out}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}:\n${this.out}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async waitUntilRunning(timeoutMs = 120_000): Promise<void> {
    await this.waitForOutput(/\[natter\] running\b.*\. Open /, timeoutMs);
    this.remember();
  }

  /** The up.ts process (below npm and bootstrap.mjs). */
  upPid(): number {
    const p = this.remember().find((x) => x.argv.some((a) => a.endsWith('scripts/src/up.ts')));
    if (!p) throw new Error(`no up.ts process under ${this.proc.pid}`);
    return p.pid;
  }

  /** The supervised processes now: name -> process, each a direct child of up.ts. */
  units(): Map<UnitName, Proc> {
    const up = this.upPid();
    const out = new Map<UnitName, Proc>();
    for (const p of this.remember()) {
      const name = p.ppid === up ? unitOf(p) : null;
      if (name) out.set(name, p);
    }
    return out;
  }

  /** Ports each unit listens on now (a unit's port must be the same after its restart). */
  unitPorts(): Map<UnitName, number[]> {
    return new Map([...this.units()].map(([n, p]) => [n, listeningPorts(p.pid)]));
  }

  /** Processes still alive among every one ever seen under the launcher, and members of their groups. */
  leftovers(): Proc[] {
    const procs = allProcs();
    const live = new Map<number, Proc>();
    for (const p of procs) if (this.seen.has(p.pid) && this.seen.get(p.pid)!.argv.join(' ') === p.argv.join(' ')) live.set(p.pid, p);
    for (const pgid of new Set([...this.seen.values()].map((p) => p.pgid))) for (const p of groupMembers(pgid, procs)) live.set(p.pid, p);
    return [...live.values()];
  }

  /** Ports a unit of this launcher listened on that are still listening. */
  listeningLeft(ports: number[]): number[] {
    return ports.filter((p) => portListening(p));
  }

  private remember(): Proc[] {
    const procs = this.proc.pid ? descendants(this.proc.pid) : [];
    if (this.proc.pid) this.seen.set(this.proc.pid, { pid: this.proc.pid, ppid: process.pid, pgid: this.proc.pid, argv: [] });
    for (const p of procs) this.seen.set(p.pid, p);
    return procs;
  }

  /** Every live process under the launcher now. */
  processes(): Proc[] {
    return this.remember();
  }

  /** Test cleanup: SIGKILL whatever is left of what this launcher started (only its own pids and groups). */
  async destroy(): Promise<void> {
    for (const p of this.leftovers()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
