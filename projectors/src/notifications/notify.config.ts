import { readFileSync } from 'node:fs';
import { envInt } from '@natter/infra/runtime';

/** Notifications configuration, parsed once with the projector's and frozen. */
export interface NotifyConfig {
  /** Run the notifications projection and its dispatchers in this process (default on). */
  readonly enabled: boolean;
  /** Messages older than this when (re)applied get no push: a replay of history pushes nothing. */
  readonly deliveryHorizonMs: number;
  /**
   * Messages older than this get no email (a replay of history mails nobody); longer than push's, so the email
   * for messages sent during a projector outage is still sent (notifications.projection.ts).
   */
  readonly emailHorizonMs: number;
  /** Web Push (VAPID); null: no push is sent (the push rows are skipped), the center still works. */
  readonly vapid: { publicKey: string; privateKey: string; subject: string } | null;
  /**
   * The push services we send to: hosts, or `.suffix` for a domain's hosts. A subscription's endpoint is a URL
   * a client chose, so anything else (an internal address: SSRF) is never contacted and the subscription is
   * dropped. Default: the browsers' push services (Chrome/Edge via FCM, Firefox, Safari, Windows).
   */
  readonly pushHosts: readonly string[];
  /** An extra CA (PEM file) trusted for push services (tests run their own over https). */
  readonly pushCaFile: string | undefined;
  readonly pushPollMs: number;
  readonly pushMaxAttempts: number;
  readonly pushRetryBaseMs: number;
  readonly pushTimeoutMs: number;
  readonly claimTimeoutMs: number;
  /** The address people open Natter at: links in pushes and mails (PUBLIC_URL, as the mailer). */
  readonly publicUrl: string;
  /** Email digests: on when the mailer is configured (SMTP_URL; `npm run up` runs a local catcher). */
  readonly email: boolean;
  readonly emailPollMs: number;
  readonly emailMaxAttempts: number;
  readonly emailRetryBaseMs: number;
  /** How long one minute of a person's email delay lasts (60000; tests shorten it). */
  readonly emailDelayMinuteMs: number;
}

const fromEnvOrFile = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const file = env[`${name}_FILE`];
  return (file ? readFileSync(file, 'utf8') : env[name])?.trim() || undefined;
};

export function loadNotifyConfig(env: NodeJS.ProcessEnv): NotifyConfig {
  const publicKey = fromEnvOrFile(env, 'NATTER_VAPID_PUBLIC_KEY');
  const privateKey = fromEnvOrFile(env, 'NATTER_VAPID_PRIVATE_KEY');
  if (!!publicKey !== !!privateKey) throw new Error('NATTER_VAPID_PUBLIC_KEY and NATTER_VAPID_PRIVATE_KEY go together');
  return Object.freeze({
    enabled: env.NOTIFY_ENABLED !== '0',
    deliveryHorizonMs: envInt(env, 'NOTIFY_DELIVERY_HORIZON_MS', 600_000, 0, 7 * 24 * 3600_000),
    emailHorizonMs: envInt(env, 'NOTIFY_EMAIL_HORIZON_MS', 24 * 3600_000, 0, 7 * 24 * 3600_000),
    vapid: publicKey && privateKey ? { publicKey, privateKey, subject: env.NATTER_VAPID_SUBJECT || 'mailto:admin@localhost' } : null,
    pushCaFile: env.NOTIFY_PUSH_CA_FILE || undefined,
    pushHosts: Object.freeze((env.NOTIFY_PUSH_HOSTS || 'fcm.googleapis.com,android.googleapis.com,.push.services.mozilla.com,.push.apple.com,.notify.windows.com').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
    pushPollMs: envInt(env, 'NOTIFY_PUSH_POLL_MS', 500, 10, 60_000),
    pushMaxAttempts: envInt(env, 'NOTIFY_PUSH_MAX_ATTEMPTS', 6, 1, 100),
    pushRetryBaseMs: envInt(env, 'NOTIFY_PUSH_RETRY_BASE_MS', 2000, 10, 600_000),
    pushTimeoutMs: envInt(env, 'NOTIFY_PUSH_TIMEOUT_MS', 10_000, 100, 120_000),
    claimTimeoutMs: envInt(env, 'NOTIFY_CLAIM_TIMEOUT_MS', 60_000, 1000, 3600_000),
    publicUrl: (env.PUBLIC_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    email: !!env.SMTP_URL?.trim() || env.NOTIFY_EMAIL === '1',
    emailPollMs: envInt(env, 'NOTIFY_EMAIL_POLL_MS', 5000, 10, 600_000),
    emailMaxAttempts: envInt(env, 'NOTIFY_EMAIL_MAX_ATTEMPTS', 8, 1, 100),
    emailRetryBaseMs: envInt(env, 'NOTIFY_EMAIL_RETRY_BASE_MS', 30_000, 10, 3600_000),
    emailDelayMinuteMs: envInt(env, 'NOTIFY_EMAIL_DELAY_MINUTE_MS', 60_000, 1, 60_000),
  });
}
