import { createLogger } from '@natter/infra/runtime';
import { startCommandApi } from './app';
import { loadConfig } from './config';

const config = await loadConfig();
const log = createLogger('command-api', config.logLevel);
const app = await startCommandApi(config, log).catch((err) => {
  log.fatal({ err }, 'command-api failed to start');
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  });
}
