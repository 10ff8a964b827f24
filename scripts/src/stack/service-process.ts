import { type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnTied, stopChild } from '@natter/infra/provision';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** One run of a Natter service process, ready (its /readyz answered 200). */
export interface ServiceRun {
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Run one Natter service as its own process (`node --import tsx <entry>`, tied to us: spawnTied), its JSON logs
 * appended to `logFile`, and wait until its /readyz answers 200. Aborting `signal` while it waits kills it.
 */
export async function startService(o: {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
  /** Node.js / V8 options of this service (before the entry). */
  nodeArgs?: string[];
  logFile: string;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}): Promise<ServiceRun> {
  const out = createWriteStream(o.logFile, { flags: 'a' });
  await new Promise((r) => out.once('open', r));
  const proc = spawnTied(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', o.entry], {
    cwd: repoRoot,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', out, out],
  });
  // The child has its own copy of the file descriptor: ours is closed once the child is gone.
  proc.once('exit', () => out.end());
  const url = `http://127.0.0.1:${o.port}`;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopChild(proc, signal, 5000);
  const abort = () => proc.kill('SIGKILL');
  o.signal?.addEventListener('abort', abort);
  try {
    const until = Date.now() + (o.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`${o.name} exited (${proc.signalCode ?? `code ${proc.exitCode}`}) before it was ready; see ${o.logFile}`);
      }
      const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until) {
        await stop('SIGKILL');
        throw new Error(`${o.name} not ready on ${url} in time; see ${o.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    o.signal?.removeEventListener('abort', abort);
  }
  return { proc, stop };
}
