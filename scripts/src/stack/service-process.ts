import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopChild } from '@natter/infra/provision';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Run one Natter service as its own process (`node --import tsx <entry>`), its JSON logs appended to
 * `logFile`, and wait until its /readyz answers 200.
 */
export async function startService(o: {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const out = createWriteStream(o.logFile, { flags: 'a' });
  await new Promise((r) => out.once('open', r));
  const proc = spawn(process.execPath, ['--import', 'tsx', o.entry], {
    cwd: repoRoot,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${o.port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    await stopChild(proc, signal);
    out.end();
  };
  const until = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${o.name} exited with ${proc.exitCode} before it was ready; see ${o.logFile}`);
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) {
      await stop('SIGKILL');
      throw new Error(`${o.name} not ready on ${url} in time; see ${o.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { name: o.name, port: o.port, url, proc, stop };
}
