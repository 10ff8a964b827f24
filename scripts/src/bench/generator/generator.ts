import { Worker } from 'node:worker_threads';
import { Histogram, nowMs, type LatencySummary } from '../histogram';
import type { ConnectResult, ConnSpec, Dialect, SenderSpec, WorkerReply, WorkerRequest, WorkerStats } from './protocol';

type Req = WorkerRequest extends infer R ? (R extends { rid: number } ? Omit<R, 'rid'> : never) : never;

/** Merged view of every worker's stats for one step: the workers' counters, histograms rebuilt. */
export type GeneratorStats = Omit<WorkerStats, 'step' | 'ackLatency' | 'latency' | 'eventLoopBusyMs'> & {
  ackLatency: Histogram;
  latency: Histogram;
};

export interface FanoutOutcome {
  durationS: number;
  senders: number;
  targetMsgPerSec: number;
  sent: number;
  acked: number;
  skipped: number;
  sendErrors: Record<string, number>;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  latencyMs: LatencySummary;
  ackLatencyMs: LatencySummary;
  sentPerSec: number;
  deliveredPerSec: number;
  /** Deliveries per second over the send window, for the chart. */
  timeline: number[];
  unexpectedCloses: Record<string, number>;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * The load generator: N worker threads, connection i lives on worker i % N. Usable against Natter's edge and
 * against the raw uWS baseline server, which speak the same frames for what the bench uses.
 */
export class LoadGenerator {
  private rid = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private step = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (r: WorkerReply) => {
        const p = this.pending.get(r.rid);
        if (!p) return;
        this.pending.delete(r.rid);
        if (r.ok) p.resolve(r.result);
        else p.reject(new Error(r.error));
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    }
  }

  static start(workers: number): LoadGenerator {
    const boot = new URL('./worker-boot.mjs', import.meta.url);
    const entry = new URL('./worker.ts', import.meta.url).href;
    return new LoadGenerator(Array.from({ length: Math.max(1, workers) }, () => new Worker(boot, { workerData: { entry } })));
  }

  get size(): number {
    return this.workers.length;
  }

  private call<T>(w: Worker, req: Req): Promise<T> {
    const rid = ++this.rid;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ ...req, rid });
    });
  }

  private all<T>(mk: (i: number) => Req): Promise<T[]> {
    return Promise.all(this.workers.map((w, i) => this.call<T>(w, mk(i))));
  }

  /** Opens the connections (hello, resume {}, synced), `concurrency` handshakes in flight per worker. */
  async connect(dialect: Dialect, conns: ConnSpec[], opts: { concurrency?: number; timeoutMs?: number } = {}) {
    const startedAt = nowMs();
    const parts = await this.all<ConnectResult>((i) => ({
      op: 'connect',
      dialect,
      conns: conns.filter((c) => c.idx % this.workers.length === i),
      concurrency: opts.concurrency ?? 100,
      timeoutMs: opts.timeoutMs ?? 20_000,
    }));
    const doneAt = Math.max(...parts.map((p) => p.doneAt));
    const ok = parts.reduce((a, p) => a + p.ok, 0);
    return {
      ok,
      failed: parts.reduce((a, p) => a + p.failed, 0),
      retries: parts.reduce((a, p) => a + p.retries, 0),
      errors: parts.flatMap((p) => p.errors).slice(0, 5),
      seconds: (doneAt - startedAt) / 1000,
      perSec: ok / Math.max(0.001, (doneAt - startedAt) / 1000),
    };
  }

  async stats(): Promise<GeneratorStats> {
    const parts = await this.all<WorkerStats>(() => ({ op: 'stats' }));
    const out: GeneratorStats = {
      sent: 0, acked: 0, skipped: 0, sendErrors: {}, ackedByRoom: {}, ackLatency: new Histogram(), delivered: 0,
      duplicates: 0, outOfOrder: 0, stale: 0, latency: new Histogram(), lastDeliveryAt: 0, perSecond: [], closes: {}, open: 0,
    };
    for (const p of parts) {
      out.sent += p.sent;
      out.acked += p.acked;
      out.skipped += p.skipped;
      addCounts(out.sendErrors, p.sendErrors);
      addCounts(out.ackedByRoom, p.ackedByRoom);
      out.ackLatency.merge(p.ackLatency);
      out.delivered += p.delivered;
      out.duplicates += p.duplicates;
      out.outOfOrder += p.outOfOrder;
      out.stale += p.stale;
      out.latency.merge(p.latency);
      out.lastDeliveryAt = Math.max(out.lastDeliveryAt, p.lastDeliveryAt);
      p.perSecond.forEach((v, i) => (out.perSecond[i] = (out.perSecond[i] ?? 0) + v));
      addCounts(out.closes, p.closes);
      out.open += p.open;
    }
    for (let i = 0; i < out.perSecond.length; i++) out.perSecond[i] ??= 0;
    return out;
  }

  /**
   * One fan-out step: every sender sends at its rate for durationMs; then wait (bounded by drainMs) until
   * every acknowledged message reached every receiver of its room. `receivers` maps room -> connections that
   * should receive it (the sender included when it is a member).
   */
  async fanout(opts: {
    senders: SenderSpec[];
    receivers: Map<string, number>;
    durationMs: number;
    textBytes?: number;
    maxInFlight?: number;
    drainMs?: number;
    /**
     * Called as the send window opens and once every acknowledged message has been delivered (or drainMs passed):
     * CPU is measured in between, so the window holds all the work the messages caused.
     */
    onWindow?: (phase: 'begin' | 'end') => Promise<void> | void;
  }): Promise<FanoutOutcome> {
    const step = ++this.step;
    const startAt = nowMs() + 300;
    await this.all(() => ({ op: 'reset', step, startAt }));
    await opts.onWindow?.('begin');
    await this.all(() => ({
      op: 'run',
      step,
      senders: opts.senders,
      startAt,
      durationMs: opts.durationMs,
      textBytes: opts.textBytes ?? 64,
      maxInFlight: opts.maxInFlight ?? 1000,
      ackTimeoutMs: 10_000,
    }));
    let s = await this.stats();
    const expectedOf = (st: GeneratorStats) =>
      Object.entries(st.ackedByRoom).reduce((a, [room, n]) => a + n * (opts.receivers.get(room) ?? 0), 0);
    const until = nowMs() + (opts.drainMs ?? 10_000);
    while (s.delivered + s.duplicates < expectedOf(s) && nowMs() < until) {
      await new Promise((r) => setTimeout(r, 20));
      s = await this.stats();
    }
    await opts.onWindow?.('end');
    const expected = expectedOf(s);
    const durationS = opts.durationMs / 1000;
    return {
      durationS,
      senders: opts.senders.length,
      targetMsgPerSec: opts.senders.reduce((a, x) => a + x.rate, 0),
      sent: s.sent,
      acked: s.acked,
      skipped: s.skipped,
      sendErrors: s.sendErrors,
      expected,
      delivered: s.delivered,
      lost: Math.max(0, expected - s.delivered),
      duplicates: s.duplicates,
      outOfOrder: s.outOfOrder,
      latencyMs: s.latency.summary(),
      ackLatencyMs: s.ackLatency.summary(),
      sentPerSec: Math.round(s.sent / durationS),
      deliveredPerSec: Math.round(s.delivered / Math.max(durationS, (s.lastDeliveryAt - startAt) / 1000)),
      timeline: s.perSecond.slice(0, Math.ceil(durationS) + 5),
      unexpectedCloses: s.closes,
    };
  }

  /** Closes every connection (TCP reset, like a network failure) and waits until each socket is gone. */
  async drop(): Promise<void> {
    await this.all(() => ({ op: 'drop' }));
  }

  async close(): Promise<void> {
    await this.all(() => ({ op: 'close' })).catch(() => {});
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
