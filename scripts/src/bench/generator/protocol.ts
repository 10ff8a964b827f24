import type { HistogramData } from '../histogram';

/**
 * Messages between the generator's main thread and its worker threads. Every request carries `rid`; the
 * worker answers once with the same `rid`.
 *
 * Bench message text: `B1|<sendTimeMs>|<senderIdx>|<n>|<step>|<padding>`. The send time is on the clock shared
 * by all threads of the process (performance.timeOrigin + performance.now()), so a receiver in any worker
 * computes latency = receiveTime - sendTime.
 */
export type Dialect = 'natter' | 'raw';

export interface ConnSpec {
  /** Global connection index. */
  idx: number;
  url: string;
  /** Rooms this connection is expected to receive (for the record; delivery is tracked per room seen). */
  rooms: string[];
}

export interface SenderSpec {
  conn: number;
  senderIdx: number;
  roomId: string;
  /** Messages per second from this sender. */
  rate: number;
}

export type WorkerRequest =
  | { rid: number; op: 'connect'; dialect: Dialect; conns: ConnSpec[]; concurrency: number; timeoutMs: number }
  | { rid: number; op: 'run'; step: number; senders: SenderSpec[]; startAt: number; durationMs: number; textBytes: number; maxInFlight: number; ackTimeoutMs: number }
  | { rid: number; op: 'reset'; step: number; startAt: number }
  | { rid: number; op: 'stats' }
  | { rid: number; op: 'drop' }
  | { rid: number; op: 'close' };

export interface ConnectResult {
  ok: number;
  failed: number;
  retries: number;
  errors: string[];
  /** Shared-clock time at which the last connection of this worker became ready. */
  doneAt: number;
}

export interface WorkerStats {
  step: number;
  sent: number;
  acked: number;
  /** Due by the schedule but not sent because the sender had maxInFlight unacknowledged sends. */
  skipped: number;
  sendErrors: Record<string, number>;
  ackedByRoom: Record<string, number>;
  ackLatency: HistogramData;
  delivered: number;
  duplicates: number;
  outOfOrder: number;
  /** Deliveries of messages from an earlier step (arrived after its drain). */
  stale: number;
  latency: HistogramData;
  lastDeliveryAt: number;
  /** Deliveries per whole second since the step's start. */
  perSecond: number[];
  closes: Record<string, number>;
  open: number;
  /** CPU time of this worker thread in ms (user+system of the whole process is measured by the caller). */
  eventLoopBusyMs: number;
}

export type WorkerReply =
  | { rid: number; ok: true; result: unknown }
  | { rid: number; ok: false; error: string };
