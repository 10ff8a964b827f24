import { mkdir } from 'node:fs/promises';
import { spawnTied, stopChild } from '@natter/infra/provision';
import { waitForJetStream } from '@natter/infra/testing';
import { repoRoot } from './service-process';
import type { UnitSpec } from './supervisor';

/**
 * The stack's own nats-server (JetStream, store in `dir`) as a supervised unit: ready once JetStream answers.
 * After a restart, `afterRestart` runs before it counts as back: memory-storage state (the presence bucket)
 * does not survive a nats-server restart and must be provisioned again.
 */
export function natsUnit(dir: string, port: number, logFile: string, afterRestart: (url: string) => Promise<void>): UnitSpec & { url: string } {
  const url = `nats://127.0.0.1:${port}`;
  let runs = 0;
  return {
    name: 'nats-server',
    url,
    logFile,
    start: async (signal) => {
      await mkdir(dir, { recursive: true });
      const proc = spawnTied(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, '-l', logFile], {
        stdio: 'ignore',
        cwd: repoRoot,
      });
      const exited = () => proc.exitCode !== null || proc.signalCode !== null;
      try {
        await waitForJetStream(url, () => (signal.aborted ? 'stopped while starting' : exited() && `nats-server exited; see ${logFile}`));
        if (runs++ > 0) await afterRestart(url);
      } catch (err) {
        await stopChild(proc, 'SIGKILL');
        throw err;
      }
      return { proc, stop: () => stopChild(proc, 'SIGTERM', 5000) };
    },
  };
}
