import type { StoredEvent } from '@natter/contracts';
import type { Projection } from '../runtime/projection';
import { notificationsProjection } from './notifications.projection';
import { NotifyRepository } from './notify.repository';

export interface DeliveryHorizons {
  /** Only messages this recent when projected get push rows (NOTIFY_DELIVERY_HORIZON_MS, 10 min). */
  pushHorizonMs: number;
  /**
   * Messages this recent get email rows (NOTIFY_EMAIL_HORIZON_MS, 24 h; never shorter than the push horizon).
   * Longer than push's: after a projector outage the digest of what was missed is still worth sending, a push
   * about it is not; a replay of older history still mails nobody.
   */
  emailHorizonMs: number;
  /** How long one minute of email delay lasts (60000; tests shorten it). */
  emailDelayMinuteMs?: number;
  now?: () => number;
}

/**
 * The notifications projection with a horizon per channel. The projection itself (notifications.projection.ts)
 * makes push and email rows under one horizon, the push one here; a `MessageSent` too old for push but recent
 * enough for email is applied on its own and then given its email rows from the notifications it just wrote:
 * the recipients it decided, with the settings as they were at that point of the stream (the batch is split
 * there, so the events after it are applied after, exactly as in one pass).
 */
export function notificationsWithHorizons(o: DeliveryHorizons): Projection {
  const now = o.now ?? Date.now;
  const minuteMs = o.emailDelayMinuteMs ?? 60_000;
  const inner = notificationsProjection({ deliveryHorizonMs: o.pushHorizonMs, emailDelayMinuteMs: minuteMs, now });
  const emailOnly = (e: StoredEvent) => {
    if (e.type !== 'MessageSent') return false;
    const age = now() - Date.parse(e.at);
    return age > o.pushHorizonMs && age <= o.emailHorizonMs;
  };
  return {
    name: inner.name,
    async apply(trx, schema, events) {
      const repo = new NotifyRepository(trx);
      let from = 0;
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (e.type !== 'MessageSent' || !emailOnly(e)) continue;
        await inner.apply(trx, schema, events.slice(from, i + 1));
        await repo.insertEmailDeliveriesOfMessage(e.data.roomId, e.seq, e.at, minuteMs);
        from = i + 1;
      }
      if (from < events.length) await inner.apply(trx, schema, events.slice(from));
    },
  };
}
