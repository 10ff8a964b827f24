import { join } from 'node:path';
import { createLogger } from '@natter/infra/runtime';
import { startStack } from './stack/index';
import { repoRoot } from './stack/service-process';

/**
 * `npm run up`: run the whole product on this machine. NATS and Postgres are started with their data under
 * .data/ unless NATS_URL / DATABASE_URL point at running ones; data survives restarts. Ctrl-C stops it all.
 */
const log = createLogger('up', process.env.LOG_LEVEL ?? 'warn'); // progress lines are printed; logs only for trouble
const dataDir = process.env.NATTER_DATA_DIR ?? join(repoRoot, '.data');
const gatewayPort = Number(process.env.NATTER_PORT ?? 8080);

const stack = await startStack({
  dataDir,
  natsUrl: process.env.NATS_URL,
  databaseUrl: process.env.DATABASE_URL,
  natsPort: Number(process.env.NATTER_NATS_PORT ?? 4223),
  postgresPort: Number(process.env.NATTER_PG_PORT ?? 5433),
  basePort: Number(process.env.NATTER_BASE_PORT ?? 3001),
  gatewayPort,
  edges: Number(process.env.NATTER_EDGES ?? 1),
  log,
  onProgress: (step) => console.log(`[natter] ${step}`),
}).catch((err) => {
  console.error(`[natter] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

console.log(`
[natter] running. Open ${stack.gatewayUrl}
[natter]   API:        ${stack.gatewayUrl}/api  (OpenAPI: ${stack.gatewayUrl}/api/openapi.json)
[natter]   WebSocket:  ${stack.gatewayUrl?.replace('http', 'ws')}/ws
[natter]   NATS:       ${stack.natsUrl}
[natter]   logs:       ${join(dataDir, 'logs')}
[natter] Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('[natter] stopping…');
  await stack.stop();
  console.log('[natter] stopped');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// Exit if a service dies, rather than serve half a product.
for (const s of [stack.commandApi, stack.queryApi, stack.projectors, ...stack.edges]) {
  s.proc.once('exit', (code) => {
    if (stopping) return;
    console.error(`[natter] ${s.name} exited (${code}); see ${join(dataDir, 'logs', s.name + '.log')}`);
    void shutdown();
  });
}
