import { createLogger } from '@natter/infra/runtime';
import { startQueryApi } from './app';
import { loadConfig, type QueryApiConfig } from './config';

let config: QueryApiConfig;
try {
  config = loadConfig();
} catch (err) {
  // No logger yet: its level is part of the configuration.
  console.error(JSON.stringify({ level: 60, service: 'query-api', msg: `bad configuration: ${(err as Error).message}` }));
  process.exit(1);
}
const log = createLogger('query-api', config.logLevel);

try {
  const api = await startQueryApi(config, log);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    api.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'query-api failed to start');
  process.exit(1);
}
