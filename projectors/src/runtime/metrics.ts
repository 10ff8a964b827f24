/** Counters and gauges of one projector process, exposed in Prometheus text format on /metrics. */
const batchBuckets = [1, 10, 50, 100, 250, 500, 1000];
/** Events/s is averaged over this window; older batch records are dropped. */
const RATE_WINDOW_MS = 10_000;

export class ProjectorMetrics {
  role = 'starting';
  appliedSeq = 0;
  streamLastSeq = 0;
  eventsTotal = 0;
  undecodableTotal = 0;
  batchesTotal = 0;
  batchEventsSum = 0;
  batchMsSum = 0;
  private readonly bucketCounts = batchBuckets.map(() => 0);
  /** Events applied per second over a sliding window of recent batches. */
  private readonly window: { t: number; n: number }[] = [];

  constructor(private readonly projection: string) {}

  recordBatch(size: number, written: number, undecodable: number, checkpoint: number, ms: number): void {
    this.batchesTotal++;
    this.batchEventsSum += size;
    this.batchMsSum += ms;
    batchBuckets.forEach((b, i) => {
      if (size <= b) this.bucketCounts[i]++;
    });
    this.eventsTotal += written;
    this.undecodableTotal += undecodable;
    this.appliedSeq = Math.max(this.appliedSeq, checkpoint);
    this.streamLastSeq = Math.max(this.streamLastSeq, checkpoint);
    const now = Date.now();
    this.window.push({ t: now, n: written });
    this.prune(now - RATE_WINDOW_MS); // bounded even when nothing scrapes /metrics
  }

  private prune(since: number): void {
    while (this.window.length && this.window[0].t < since) this.window.shift();
  }

  eventsPerSecond(windowMs = RATE_WINDOW_MS): number {
    this.prune(Date.now() - windowMs);
    return this.window.reduce((s, w) => s + w.n, 0) / (windowMs / 1000);
  }

  get lag(): number {
    return Math.max(0, this.streamLastSeq - this.appliedSeq);
  }

  render(): string {
    const l = `{projection="${this.projection}"}`;
    const lb = (le: string) => `{projection="${this.projection}",le="${le}"}`;
    const lines = [
      '# HELP natter_projection_active 1 when this process holds the projection lock.',
      '# TYPE natter_projection_active gauge',
      `natter_projection_active${l} ${this.role === 'active' ? 1 : 0}`,
      '# HELP natter_projection_applied_seq Last stream sequence applied (checkpoint).',
      '# TYPE natter_projection_applied_seq gauge',
      `natter_projection_applied_seq${l} ${this.appliedSeq}`,
      '# HELP natter_projection_stream_last_seq Last sequence in the event stream.',
      '# TYPE natter_projection_stream_last_seq gauge',
      `natter_projection_stream_last_seq${l} ${this.streamLastSeq}`,
      '# HELP natter_projection_lag Stream last sequence minus applied sequence.',
      '# TYPE natter_projection_lag gauge',
      `natter_projection_lag${l} ${this.lag}`,
      '# HELP natter_projection_events_per_second Events applied per second (10 s window).',
      '# TYPE natter_projection_events_per_second gauge',
      `natter_projection_events_per_second${l} ${this.eventsPerSecond().toFixed(1)}`,
      '# HELP natter_projection_events_total Events applied.',
      '# TYPE natter_projection_events_total counter',
      `natter_projection_events_total${l} ${this.eventsTotal}`,
      '# HELP natter_projection_undecodable_total Messages skipped because they did not decode.',
      '# TYPE natter_projection_undecodable_total counter',
      `natter_projection_undecodable_total${l} ${this.undecodableTotal}`,
      '# HELP natter_projection_batch_size Events per applied batch.',
      '# TYPE natter_projection_batch_size histogram',
      ...batchBuckets.map((b, i) => `natter_projection_batch_size_bucket${lb(String(b))} ${this.bucketCounts[i]}`),
      `natter_projection_batch_size_bucket${lb('+Inf')} ${this.batchesTotal}`,
      `natter_projection_batch_size_sum${l} ${this.batchEventsSum}`,
      `natter_projection_batch_size_count${l} ${this.batchesTotal}`,
      '# HELP natter_projection_batch_seconds_total Time spent applying batches.',
      '# TYPE natter_projection_batch_seconds_total counter',
      `natter_projection_batch_seconds_total${l} ${(this.batchMsSum / 1000).toFixed(3)}`,
    ];
    return lines.join('\n') + '\n';
  }
}
