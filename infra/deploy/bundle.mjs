#!/usr/bin/env node
// The one build of every service image: `node infra/deploy/bundle.mjs [outDir]` bundles each service's main.ts
// (and the provisioning entry) into one ESM file with esbuild, and copies beside it only the native packages a
// bundle cannot hold (uWebSockets.js with the one binary for this platform and Node ABI, argon2's platform
// package). Every Dockerfile in infra/deploy/docker/ runs this same step in the same build stage, so the
// build is shared and each image copies only its own directory: node + main.mjs + a few MB of natives.
// scripts/test/deploy.test.ts runs this bundle and starts the bundled services against real NATS and Postgres.
import { build } from 'esbuild';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = process.argv[2] ?? join(root, 'dist/deploy');
const require = createRequire(join(root, 'package.json'));

export const services = {
  'command-api': 'command-api/src/main.ts',
  'query-api': 'query-api/src/main.ts',
  projectors: 'projectors/src/main.ts',
  'realtime-edge': 'realtime-edge/src/main.ts',
  provision: 'infra/deploy/provision.ts',
};
/** Native code (loaded by a computed path) stays a package next to the bundle. */
const natives = { 'command-api': ['@node-rs/argon2', 'sharp'], 'realtime-edge': ['uWebSockets.js'] };
// Optional packages NestJS and pg load lazily inside try/catch (not installed, never used here) stay unresolved.
const optional = ['pg-native', '@nestjs/microservices', '@nestjs/websockets', '@nestjs/platform-express', 'class-transformer', 'class-validator', '@fastify/static', '@fastify/view', '@nestjs/microservices/microservices-module', '@nestjs/websockets/socket-module'];
const external = ['uWebSockets.js', '@node-rs/argon2', 'sharp', ...optional];

async function copyPackage(name, dest) {
  const pkgDir = dirname(require.resolve(`${name}/package.json`));
  const target = join(dest, 'node_modules', name);
  if (name === 'uWebSockets.js') {
    // Only the binary this Node loads: uws_<platform>_<arch>_<ABI>.node (the package ships 90 MB for all).
    const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
    await mkdir(join(target, 'binaries'), { recursive: true });
    await cp(join(pkgDir, 'package.json'), join(target, 'package.json'));
    await cp(join(pkgDir, 'src'), join(target, 'src'), { recursive: true });
    await cp(join(pkgDir, 'binaries', binary), join(target, 'binaries', binary));
    return;
  }
  if (name === 'sharp') {
    // sharp (libvips, the image worker) with its dependencies and the platform packages npm installed for it
    // (@img/sharp-<platform>, @img/sharp-libvips-<platform>): its optional dependencies that are on disk.
    await copyWithDependencies(name, dest, new Set());
    return;
  }
  await cp(pkgDir, target, { recursive: true, dereference: true });
  if (name === '@node-rs/argon2') {
    // Its platform package (e.g. @node-rs/argon2-linux-x64-gnu), found where npm put it.
    const scope = dirname(pkgDir);
    for (const d of await readdir(scope)) if (d.startsWith('argon2-')) await cp(join(scope, d), join(dest, 'node_modules/@node-rs', d), { recursive: true, dereference: true });
  }
}

/** A package and, recursively, its dependencies and those optional dependencies that are installed. */
async function copyWithDependencies(name, dest, seen) {
  if (seen.has(name)) return;
  seen.add(name);
  // Where npm put it (hoisted; its package.json is not always exported, so no require.resolve).
  const pkgJson = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(pkgJson)) return; // an optional dependency for another platform: not installed
  const pkgDir = dirname(pkgJson);
  await cp(pkgDir, join(dest, 'node_modules', name), { recursive: true, dereference: true });
  const pkg = JSON.parse(await readFile(pkgJson, 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) await copyWithDependencies(dep, dest, seen);
}

await rm(out, { recursive: true, force: true });
for (const [name, entry] of Object.entries(services)) {
  const dest = join(out, name);
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(dest, 'main.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external,
    // CommonJS dependencies inside an ESM bundle still call require(), __filename and __dirname.
    banner: { js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const n of natives[name] ?? []) await copyPackage(n, dest);
  // Migrations and the read-model schema, read at run time (NATTER_MIGRATIONS_DIR) by provision and projectors.
  if (name === 'provision' || name === 'projectors') await cp(join(root, 'infra/migrations'), join(dest, 'migrations'), { recursive: true });
  await writeFile(join(dest, 'package.json'), JSON.stringify({ name: `natter-${name}`, private: true, type: 'module' }, null, 2));
}
console.log(`bundled ${Object.keys(services).join(', ')} into ${out}`);
