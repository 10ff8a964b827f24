// Build web-client/dist when it is missing or older than any web-client source. Plain JS: `npm run up`
// runs it before TypeScript tooling is known to be installed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'test-artifacts') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};

export function buildWebClientIfStale(root, say = (m) => console.log(`[natter] ${m}`)) {
  const web = join(root, 'web-client');
  const built = join(web, 'dist', 'index.html');
  if (!existsSync(join(web, 'index.html'))) return;
  if (existsSync(built) && newest(web) <= statSync(built).mtimeMs) return;
  say('building the web client');
  // NODE_ENV decides React's and Vite's production mode; under vitest it is "test", which would ship a
  // development build without the service worker.
  execSync('npm run build -w web-client', { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
