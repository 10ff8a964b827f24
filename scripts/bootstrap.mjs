#!/usr/bin/env node
// `npm run up` starts here, in plain Node with no dependencies, because on a fresh clone nothing is installed
// yet. It installs what is missing (npm packages; nats-server, postgresql and nginx from apt when root),
// builds the web client when its sources are newer than the build, then hands over to scripts/src/up.ts.
import { execSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-packages.mjs';
import { buildWebClientIfStale } from './web-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (m) => console.log(`[natter] ${m}`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Natter needs Node.js >= 20.19 (this is ${process.versions.node}).`);
  process.exit(1);
}

// System packages. Postgres is only needed when DATABASE_URL does not point at a running server.
try {
  ensureSystemPackages([
    ...(process.env.NATS_URL ? [] : ['nats-server']),
    ...(process.env.DATABASE_URL ? [] : ['postgresql']),
    'nginx-light',
  ], say);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

// npm packages.
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs + 2000) {
  say('installing npm packages');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

buildWebClientIfStale(root, say);

// up.ts supervises and stops everything; this process only passes a stop request on, once. Ctrl-C reaches
// npm, this process and up.ts at once (npm forwards its SIGINT/SIGTERM here: the npm script `exec`s node, so
// no shell sits in between to swallow them).
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/src/up.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
let asked = null;
const stop = (sig) => {
  if (asked) return;
  asked = sig;
  child.kill(sig);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));
// If whoever started us dies without a word (npm killed with SIGKILL), we are re-parented: stop everything.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500).unref();
// A stop we asked for is a clean exit; up.ts dying of a signal nobody sent through us is not.
child.on('exit', (code, signal) => process.exit(code ?? (signal && signal === asked ? 0 : 1)));
