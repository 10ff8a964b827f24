import { envInt } from '../runtime/env';
import { createLogger } from '../runtime/logger';
import { startMailCatcher } from './catcher';

/**
 * The mail catcher as its own process (`npm run up` starts it when SMTP_URL is not set; tests start it too):
 * MAIL_CATCHER_DIR (required), MAIL_CATCHER_SMTP_PORT, MAIL_CATCHER_HTTP_PORT (0: any free port), HOST.
 * SIGTERM/SIGINT stop it.
 */
const log = createLogger('mail-catcher');
const dir = process.env.MAIL_CATCHER_DIR;
if (!dir) {
  log.fatal('MAIL_CATCHER_DIR is required');
  process.exit(1);
}
const catcher = await startMailCatcher({
  dir,
  smtpPort: envInt(process.env, 'MAIL_CATCHER_SMTP_PORT', 2525, 0, 65535),
  httpPort: envInt(process.env, 'MAIL_CATCHER_HTTP_PORT', 0, 0, 65535),
  host: process.env.HOST || '127.0.0.1',
  log,
});
// For a parent that asked for free ports: one line on stdout with what it got.
if (process.env.MAIL_CATCHER_ANNOUNCE === '1') process.stdout.write(JSON.stringify({ smtpPort: catcher.smtpPort, httpPort: catcher.httpPort }) + '\n');
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => void catcher.close().finally(() => process.exit(0)));
}
