import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

/** Every file under `dir`, as URL paths relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p).map((f) => `${name}/${f}`) : [name];
  });
}

/**
 * Emits `sw.js` from service-worker/sw.js with the app shell (every built file plus public/) as its precache
 * list, and a cache version that changes whenever any of those files change. Hand-rolled instead of
 * vite-plugin-pwa/workbox: the shell is a few files and one strategy, so 40 lines beat a large toolchain.
 */
function serviceWorker(): Plugin {
  return {
    name: 'natter-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const publicDir = join(root, 'public');
      const publicFiles = listFiles(publicDir).map((f) => `/${f}`);
      const built = Object.keys(bundle).map((f) => `/${f}`);
      const urls = ['/', ...new Set([...built, ...publicFiles])].filter((u) => u !== '/index.html' && u !== '/sw.js' && !u.endsWith('.map'));
      const hash = createHash('sha256');
      for (const [name, chunk] of Object.entries(bundle)) {
        hash.update(name);
        hash.update(chunk.type === 'chunk' ? chunk.code : typeof chunk.source === 'string' ? chunk.source : Buffer.from(chunk.source));
      }
      for (const f of publicFiles) hash.update(readFileSync(join(publicDir, relative('/', f))));
      const template = readFileSync(join(root, 'service-worker/sw.js'), 'utf8');
      const source = template
        .replace('__NATTER_PRECACHE__', JSON.stringify(urls))
        .replace('__NATTER_CACHE_VERSION__', JSON.stringify(hash.digest('hex').slice(0, 12)));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), serviceWorker()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    // `npm run dev -w web-client` against a locally running gateway (default port 8080; override with NATTER_GATEWAY).
    proxy: {
      '/api': process.env.NATTER_GATEWAY ?? 'http://127.0.0.1:8080',
      '/ws': { target: process.env.NATTER_GATEWAY ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
});
