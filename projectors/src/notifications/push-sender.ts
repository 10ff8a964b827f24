import { readFileSync } from 'node:fs';
import https from 'node:https';
import webpush from 'web-push';

/** A browser's push subscription as stored in notify.push_subscriptions. */
export interface PushTarget {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What a push service answered: delivered, gone (404/410: drop the subscription), or failed (retry later unless `permanent`). */
export type PushOutcome = { ok: true } | { ok: false; gone: boolean; permanent: boolean; status: number | null; error: string };

/** Sends one encrypted Web Push message; the seam the dispatcher is written against (tests may replace it). */
export interface PushSender {
  readonly publicKey: string;
  send(target: PushTarget, payload: string, opts: { topic: string; ttlSeconds: number }): Promise<PushOutcome>;
}

export interface VapidConfig {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or an https URL the push services can reach the operator at (RFC 8292). */
  subject: string;
  /** Extra CA certificate (PEM file) to trust for push services: a local push service in tests. */
  caFile?: string;
  timeoutMs: number;
}

/**
 * The `web-push` package: VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291). `topic` collapses
 * per room at the push service: a newer message of the same room replaces one not yet delivered.
 */
export function webPushSender(c: VapidConfig): PushSender {
  const agent = c.caFile ? new https.Agent({ ca: readFileSync(c.caFile), keepAlive: true }) : new https.Agent({ keepAlive: true });
  return {
    publicKey: c.publicKey,
    async send(target, payload, opts) {
      try {
        await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
          vapidDetails: { subject: c.subject, publicKey: c.publicKey, privateKey: c.privateKey },
          TTL: opts.ttlSeconds,
          topic: opts.topic,
          urgency: 'normal',
          contentEncoding: 'aes128gcm',
          timeout: c.timeoutMs,
          agent,
        });
        return { ok: true };
      } catch (err) {
        const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : null;
        const gone = status === 404 || status === 410;
        // 4xx other than 408/429 will not change by retrying (a bad key, a payload too large).
        const permanent = gone || (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429);
        return { ok: false, gone, permanent, status, error: (err as Error).message };
      }
    },
  };
}

/** A new VAPID key pair (base64url), for `npm run up` and tests. */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}
