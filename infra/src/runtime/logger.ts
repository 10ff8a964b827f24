import pino, { type Logger } from 'pino';

/** One JSON logger per process; components take `log.child({ component })`. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    redact: { paths: ['*.password', '*.refreshToken', '*.accessToken', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
