import type { NatsConnection } from '@nats-io/transport-node';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { watchPresence, type ReadModelDB, type Registry } from '@natter/infra/runtime';
import { ProjectorMetrics } from '../runtime/metrics';
import { ProjectionRunner } from '../runtime/projection-runner';
import type { NotifyConfig } from './notify.config';
import { notificationsProjection } from './notifications.projection';
import { NotifySchema } from './notify.repository';
import { mailerFromEnv, type Mailer } from '@natter/infra/mail';
import { EmailDigests } from './email-digests';
import { PushDispatcher } from './push-dispatcher';
import { webPushSender, type PushSender } from './push-sender';

export interface NotificationsService {
  runner: ProjectionRunner;
  metrics: ProjectorMetrics;
  push: PushDispatcher | null;
  email: EmailDigests | null;
  close(): Promise<void>;
}

/**
 * The notifications projection (its own lock, checkpoint and schema: active on one projector instance, standby
 * on the others) and the push dispatcher (every instance may drain the outbox: rows are claimed with SKIP
 * LOCKED). Presence comes from the same KV mirror the other services use. Metrics go to the process's registry
 * (`registry`, the one /metrics renders), beside the other projections'.
 */
export function startNotifications(nc: NatsConnection, db: Kysely<ReadModelDB>, dbUrl: string, c: NotifyConfig, batch: { maxEvents: number; lingerMs: number }, lockRetryMs: number, log: Logger, registry: Registry, port: number, sender?: PushSender, env: NodeJS.ProcessEnv = process.env): NotificationsService {
  const metrics = new ProjectorMetrics('notifications', registry);
  const runner = new ProjectionRunner(nc, db, dbUrl, notificationsProjection({ pushHorizonMs: c.deliveryHorizonMs, emailHorizonMs: c.emailHorizonMs, emailDelayMinuteMs: c.emailDelayMinuteMs }), metrics, log.child({ component: 'projection', projection: 'notifications' }), {
    batch,
    lockRetryMs,
    schema: NotifySchema,
  });
  runner.start();
  const presence = watchPresence(nc, log.child({ component: 'presence' }), { pruneEveryMs: 15_000 });
  const pushSender = sender ?? (c.vapid ? webPushSender({ ...c.vapid, caFile: c.pushCaFile, timeoutMs: c.pushTimeoutMs }) : null);
  let push: PushDispatcher | null = null;
  if (pushSender) {
    push = new PushDispatcher(
      db,
      pushSender,
      {
        instance: `${hostname()}:${port}:${process.pid}`,
        pollMs: c.pushPollMs,
        batch: 100,
        maxAttempts: c.pushMaxAttempts,
        retryBaseMs: c.pushRetryBaseMs,
        claimTimeoutMs: c.claimTimeoutMs,
        publicUrl: c.publicUrl,
        isOnline: (u) => presence.directory.isOnline(u),
        pushHosts: c.pushHosts,
      },
      log.child({ component: 'push' }),
      registry,
    );
    void presence.ready.then(() => push?.start());
  } else log.warn('no VAPID keys (NATTER_VAPID_PUBLIC_KEY/PRIVATE_KEY): Web Push is off');
  // Email digests through the Mailer (infra/mail), when SMTP is configured.
  let mailer: Mailer | null = null;
  let email: EmailDigests | null = null;
  if (c.email) {
    mailer = mailerFromEnv(env, log);
    email = new EmailDigests(
      db,
      mailer,
      {
        instance: `${hostname()}:${port}:${process.pid}`,
        pollMs: c.emailPollMs,
        maxAttempts: c.emailMaxAttempts,
        retryBaseMs: c.emailRetryBaseMs,
        claimTimeoutMs: c.claimTimeoutMs,
        publicUrl: c.publicUrl,
        isOnline: (u) => presence.directory.isOnline(u),
      },
      log.child({ component: 'email' }),
      registry,
    );
    void presence.ready.then(() => email?.start());
  } else log.info('no SMTP_URL: email digests are off');
  return {
    runner,
    metrics,
    push,
    email,
    close: async () => {
      await push?.stop();
      await email?.stop();
      await mailer?.close();
      await presence.stop();
      await runner.stop();
    },
  };
}
