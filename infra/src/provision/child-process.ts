import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Stop a child we started: `signal` (each server has its own graceful one), wait up to `graceMs`, then
 * SIGKILL so that a stuck child never outlives its owner.
 */
export async function stopChild(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
    await exited;
  }
}

// util-linux's setpriv (Debian: always installed) sets the parent-death signal, which Node cannot set itself.
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Spawn a child whose life is tied to ours:
 * - it leads its own process group, so a terminal's Ctrl-C reaches only its owner (which stops its children
 *   in order, once), and when it exits the rest of its group is killed: its own children (nginx workers,
 *   Postgres backends) never outlive it, and a restart finds its port and shared memory free;
 * - it gets `deathSignal` (through setpriv --pdeathsig, where that exists) if the owner dies without
 *   stopping it, for example on SIGKILL: nothing is left serving with nobody to stop it.
 */
export function spawnTied(cmd: string, args: string[], opts: SpawnOptions & { deathSignal?: NodeJS.Signals } = {}): ChildProcess {
  const { deathSignal = 'SIGTERM', ...spawnOpts } = opts;
  const proc = setpriv
    ? spawn(setpriv, ['--pdeathsig', deathSignal, '--', cmd, ...args], { ...spawnOpts, detached: true })
    : spawn(cmd, args, { ...spawnOpts, detached: true });
  proc.once('exit', () => killGroup(proc.pid));
  return proc;
}

function killGroup(pgid: number | undefined): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is empty, as it is after a clean stop.
  }
}
