import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../src/stack/service-process';

const run = promisify(execFile);
const cached = join(repoRoot, 'node_modules/.cache/natter/promtool');

/**
 * Prometheus's own rule checker, `promtool`: on PATH, or taken out of Debian's `prometheus` package (downloaded
 * with apt-get and unpacked, never installed: installing it would set up a Prometheus server on the machine).
 * Null when it is not there and we are not root.
 */
export async function promtool(): Promise<string | null> {
  for (const p of [process.env.PROMTOOL_BIN, '/usr/bin/promtool', cached]) if (p && existsSync(p)) return p;
  if (process.getuid?.() !== 0) return null;
  const dir = await mkdtemp(join(tmpdir(), 'natter-promtool-'));
  try {
    await chmod(dir, 0o777); // apt-get download runs as the _apt user where it can
    const download = () => run('apt-get', ['download', '-qq', 'prometheus'], { cwd: dir });
    await download().catch(async () => {
      await run('apt-get', ['update', '-qq']);
      await download();
    });
    const deb = (await readdir(dir)).find((f) => f.endsWith('.deb'));
    if (!deb) return null;
    await run('dpkg', ['-x', join(dir, deb), join(dir, 'x')]);
    await mkdir(join(cached, '..'), { recursive: true });
    await copyFile(join(dir, 'x/usr/bin/promtool'), cached);
    await chmod(cached, 0o755);
    return cached;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
