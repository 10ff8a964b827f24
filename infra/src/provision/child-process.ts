import type { ChildProcess } from 'node:child_process';

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
