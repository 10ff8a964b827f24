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

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/src/up.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
