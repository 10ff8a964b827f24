import { createLogger } from '@natter/infra/runtime';
import { startProjectors } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const log = createLogger('projectors', config.logLevel);
const app = await startProjectors(config, log).catch((err) => {
  log.fatal({ err }, 'projectors failed to start');
  process.exit(1);
});
log.info({ port: app.port }, 'projectors started');

let closing = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (closing) return;
    closing = true;
    log.info({ signal: sig }, 'projectors stopping');
    app.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'projectors close failed');
        process.exit(1);
      },
    );
  });
}
