import { createLogger } from '@natter/infra/runtime';
import { startEdge } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const log = createLogger('realtime-edge', config.logLevel);

startEdge(config, log).then(
  (edge) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'draining: clients are told to reconnect elsewhere');
      edge
        .close()
        .then(() => process.exit(0))
        .catch((err) => {
          log.error({ err }, 'close failed');
          process.exit(1);
        });
      setTimeout(() => process.exit(1), 10_000).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  },
  (err) => {
    log.fatal({ err }, 'edge failed to start');
    process.exit(1);
  },
);
