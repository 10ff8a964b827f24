import { defineConfig } from 'vitest/config';

// One run for the whole repo. Integration and e2e tests start their own throwaway nats-server and
// Postgres database per file, so files can run in parallel without sharing state.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'backend',
          include: ['{contracts,infra,command-api,projectors,query-api,realtime-edge,scripts}/{src,test}/**/*.{spec,test}.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          globalSetup: ['./vitest.global-setup.ts'],
        },
      },
      'web-client/vitest.config.ts',
    ],
  },
});
