import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

/** One run of a unit's process, started and ready. */
export interface UnitRun {
  proc: ChildProcess;
  /** Graceful stop (each server has its own signal), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface UnitSpec {
  name: string;
  /** Named when the unit gives up, so the operator knows what to read. */
  logFile: string;
  /**
   * Spawn the process and resolve once it is ready (/readyz, JetStream, a Postgres query, an HTTP answer);
   * reject if it exits or is not ready in time, leaving nothing running. Aborting `signal` (a stop while it
   * starts) kills what it spawned.
   */
  start(signal: AbortSignal): Promise<UnitRun>;
}

/**
 * When to restart and when to give up: a crashed unit is restarted after `firstDelayMs`, doubling on each
 * further crash up to `maxDelayMs`, back to `firstDelayMs` once a run has stayed up `stableAfterMs`. The
 * `maxCrashes`th crash within `crashWindowMs` (a failed restart counts) is a crash loop: give up.
 */
export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  stableAfterMs: number;
  maxCrashes: number;
  crashWindowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { firstDelayMs: 500, maxDelayMs: 10_000, stableAfterMs: 30_000, maxCrashes: 5, crashWindowMs: 60_000 };

export interface GiveUp {
  unit: string;
  crashes: number;
  windowMs: number;
  /** How the last run ended, e.g. `exited (code 1)` or `did not come back: ...`. */
  last: string;
  logFile: string;
}

export interface SupervisorOptions {
  log: Logger;
  /** One human line per restart, back, give-up (the console of `npm run up`). */
  say?: (line: string) => void;
  policy?: Partial<RestartPolicy>;
  /** Called once, on the first crash loop; restarts have stopped by then. The owner stops the rest. */
  onGiveUp(g: GiveUp): void;
}

/**
 * Keeps every process of the stack running: each child is a unit that is restarted, on the same port and the
 * same data, when it exits without being asked to. Nothing else is touched: the other units keep serving,
 * and reconnect to a restarted NATS or Postgres by themselves.
 */
export class Supervisor {
  /** Every unit in start order. */
  readonly units: Unit[] = [];
  private stopped = false;
  private gaveUp = false;
  readonly policy: RestartPolicy;

  constructor(private readonly o: SupervisorOptions) {
    this.policy = { ...defaultRestartPolicy, ...o.policy };
  }

  /** First start of a unit: a failure here is a start-up error (thrown, not retried). Supervised from then on. */
  async start(spec: UnitSpec): Promise<Unit> {
    if (this.stopped) throw new Error(`not starting ${spec.name}: the stack is stopping`);
    const unit = new Unit(spec, this.policy, this.o.log.child({ unit: spec.name }), this.o.say ?? (() => {}), (g) => this.giveUp(g));
    this.units.push(unit);
    await unit.begin();
    return unit;
  }

  /** Stop every unit in reverse order of start (the gateway first, NATS and Postgres last); no restarts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.units) u.hold(); // a unit that exits because another stopped must not come back
    for (const u of [...this.units].reverse()) await u.stop().catch((err) => this.o.log.warn({ err, unit: u.name }, 'stop failed'));
  }

  private giveUp(g: GiveUp): void {
    if (this.gaveUp || this.stopped) return;
    this.gaveUp = true;
    for (const u of this.units) u.hold();
    this.o.log.error(g, 'crash loop: giving up');
    this.o.onGiveUp(g);
  }
}

/** A supervised child: `proc` is the current (or last) run's process; a restart gives a new pid. */
export class Unit {
  /** Restarts so far (each attempt counts, whether or not it came back). */
  restarts = 0;
  private run: UnitRun | null = null;
  private starting: AbortController | null = null;
  private pending: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private crashes: number[] = [];
  private delayMs: number;
  private upSince = 0;
  private lastProc: ChildProcess | undefined;

  constructor(
    private readonly spec: UnitSpec,
    private readonly policy: RestartPolicy,
    private readonly log: Logger,
    private readonly say: (line: string) => void,
    private readonly onGiveUp: (g: GiveUp) => void,
  ) {
    this.delayMs = policy.firstDelayMs;
  }

  get name(): string {
    return this.spec.name;
  }

  get proc(): ChildProcess {
    if (!this.lastProc) throw new Error(`${this.name} has not started`);
    return this.lastProc;
  }

  /** Up and ready right now (false while it is down or restarting). */
  get up(): boolean {
    return this.run !== null;
  }

  async begin(): Promise<void> {
    const run = await this.startRun();
    this.adopt(run);
  }

  /** No restarts from now on (the stack is stopping or gave up). */
  hold(): void {
    this.held = true;
    clearTimeout(this.timer);
    this.starting?.abort();
  }

  async stop(): Promise<void> {
    this.hold();
    await this.pending.catch(() => {});
    const run = this.run;
    this.run = null;
    await run?.stop();
  }

  private async startRun(): Promise<UnitRun> {
    const ctl = new AbortController();
    this.starting = ctl;
    const p = this.spec.start(ctl.signal);
    this.pending = p;
    try {
      return await p;
    } finally {
      if (this.starting === ctl) this.starting = null;
    }
  }

  private adopt(run: UnitRun): void {
    this.run = run;
    this.lastProc = run.proc;
    this.upSince = Date.now();
    run.proc.once('exit', (code, signal) => {
      if (this.run !== run) return; // stopped on purpose
      this.run = null;
      this.crashed(signal ? `exited (signal ${signal})` : `exited (code ${code})`);
    });
  }

  private crashed(how: string): void {
    if (this.held) return;
    const now = Date.now();
    if (this.upSince && now - this.upSince >= this.policy.stableAfterMs) this.delayMs = this.policy.firstDelayMs;
    this.upSince = 0;
    this.crashes = this.crashes.filter((t) => now - t < this.policy.crashWindowMs);
    this.crashes.push(now);
    if (this.crashes.length >= this.policy.maxCrashes) {
      this.say(`${this.name} ${how}: ${this.crashes.length} crashes in ${this.policy.crashWindowMs / 1000}s, giving up`);
      this.onGiveUp({ unit: this.name, crashes: this.crashes.length, windowMs: this.policy.crashWindowMs, last: how, logFile: this.spec.logFile });
      return;
    }
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
    const restart = ++this.restarts;
    this.say(`${this.name} ${how}; restart ${restart} in ${delay / 1000}s`);
    this.log.warn({ how, restart, delayMs: delay, crashesInWindow: this.crashes.length }, 'unit exited: restarting');
    this.timer = setTimeout(() => void this.restart(restart), delay);
  }

  private async restart(restart: number): Promise<void> {
    if (this.held) return;
    const t0 = Date.now();
    try {
      const run = await this.startRun();
      if (this.held) {
        await run.stop();
        return;
      }
      this.adopt(run);
      this.say(`${this.name} is back (pid ${run.proc.pid}, restart ${restart}, ${((Date.now() - t0) / 1000).toFixed(1)}s to ready)`);
      this.log.info({ restart, pid: run.proc.pid, readyMs: Date.now() - t0 }, 'unit back');
    } catch (err) {
      if (this.held) return;
      this.crashed(`did not come back: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
