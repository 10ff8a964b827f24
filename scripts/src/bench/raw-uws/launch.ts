import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RawUwsHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the raw uWS baseline server as its own process (so its CPU and RSS are measured like Natter's). */
export async function startRawUws(port = 0): Promise<RawUwsHandle> {
  const entry = fileURLToPath(new URL('./server.ts', import.meta.url));
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const actual = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw uWS server did not start in 15 s')), 15_000);
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => reject(new Error(`raw uWS server exited ${code}`)));
  });
  return {
    url: `ws://127.0.0.1:${actual}/ws`,
    pid: proc.pid!,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}
