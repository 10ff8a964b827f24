import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects, type ServiceStatus } from '@natter/contracts';
import type { Logger } from 'pino';

/**
 * Answer `natter.status` (Subjects.status) with this instance's ServiceStatus. Every instance of every service
 * subscribes without a queue group, so one request gathers them all: the asker (query-api's admin status)
 * collects answers for a short window, which works whatever the number of instances. `collect` must be quick
 * (in-memory figures, or a bounded check) and should not throw: a failure answers `ok: false`.
 */
export function serveStatus(
  nc: NatsConnection,
  service: ServiceStatus['service'],
  instance: string,
  collect: () => Promise<{ ok: boolean; details: Record<string, unknown> }> | { ok: boolean; details: Record<string, unknown> },
  log: Logger,
): Subscription {
  return nc.subscribe(Subjects.status, {
    callback: (err, msg) => {
      if (err) return log.warn({ err }, 'status subscription error');
      void Promise.resolve()
        .then(collect)
        .catch((e: unknown) => ({ ok: false, details: { error: String(e) } }))
        .then((s) => {
          const answer: ServiceStatus = { service, instance, ok: s.ok, details: s.details };
          if (msg.reply) msg.respond(JSON.stringify(answer));
        });
    },
  });
}
