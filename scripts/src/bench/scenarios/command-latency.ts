import { Histogram, type LatencySummary } from '../histogram';
import type { BenchUser, NatterApi } from '../natter/api';

export interface HttpSendResult {
  rate: number;
  sent: number;
  errors: Record<string, number>;
  latencyMs: LatencySummary;
}

/**
 * POST /api/rooms/:id/messages at `rate` msg/s spread over `senders` (user, room) pairs for `durationMs`;
 * latency is request to 201. Bounded: at most `maxInFlight` requests outstanding.
 */
export async function httpSendLatency(o: { api: NatterApi; senders: { user: BenchUser; roomId: string }[]; rate: number; durationMs: number; maxInFlight: number }): Promise<HttpSendResult> {
  const h = new Histogram();
  const errors: Record<string, number> = {};
  let sent = 0;
  let inFlight = 0;
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  while (performance.now() - t0 < o.durationMs) {
    const due = Math.floor(((performance.now() - t0) * o.rate) / 1000) - sent;
    for (let k = 0; k < due; k++) {
      if (inFlight >= o.maxInFlight) {
        errors.not_sent_in_flight_cap = (errors.not_sent_in_flight_cap ?? 0) + 1;
        sent++;
        continue;
      }
      const s = o.senders[sent % o.senders.length];
      const n = sent++;
      const start = performance.now();
      inFlight++;
      const p: Promise<void> = o.api
        .send(s.user, s.roomId, `h${Date.now().toString(36)}-${n}`, `http latency ${n}`)
        .then(() => h.record(performance.now() - start), (err: { status?: number }) => {
          const k2 = `http_${err.status ?? 'error'}`;
          errors[k2] = (errors[k2] ?? 0) + 1;
        })
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(pending);
  return { rate: o.rate, sent, errors, latencyMs: h.summary() };
}
