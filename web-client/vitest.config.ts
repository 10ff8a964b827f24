import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The web client's own test project (jsdom). The root vitest.config.ts lists this file under `projects`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  test: {
    name: 'web-client',
    environment: 'jsdom',
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // jsdom + React flows that wait on reconnect backoff take ~4 s alone; a loaded 2-core CI box doubles or
    // triples that. The tests wait on conditions, so a longer bound only matters when something hangs.
    testTimeout: 30_000,
  },
});
