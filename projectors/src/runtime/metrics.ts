import { exposeValues, Counter, Histogram, latencyBuckets, Registry } from '@natter/infra/runtime';

const batchSizeBuckets = [1, 10, 50, 100, 250, 500, 1000, 5000];

/**
 * One projection's metrics in a projector process (prom-client, label `projection`): whether this process is
 * the active one, the checkpoint, the stream's end and the lag between them, events applied and skipped as
 * undecodable, batch sizes and durations. The lag is what the NatterProjectionLag alert watches.
 */
export class ProjectorMetrics {
  role = 'starting';
  appliedSeq = 0;
  streamLastSeq = 0;
  /** Events applied by this process (also a plain number: the standby hand-over test reads it). */
  eventsTotal = 0;
  private readonly events: Counter<'projection'>;
  private readonly undecodable: Counter<'projection'>;
  private readonly batchSize: Histogram<'projection'>;
  private readonly batchSeconds: Histogram<'projection'>;
  private readonly labels: { projection: string };

  constructor(projection: string, readonly registry: Registry = new Registry()) {
    const registers = [registry];
    const labels = (this.labels = { projection });
    exposeValues(registry, [
      { name: 'natter_projection_active', type: 'gauge', help: '1 when this process holds the projection lock and applies events.', labels, value: () => (this.role === 'active' ? 1 : 0) },
      { name: 'natter_projection_applied_seq', type: 'gauge', help: 'Last stream sequence applied (the checkpoint).', labels, value: () => this.appliedSeq },
      { name: 'natter_projection_stream_last_seq', type: 'gauge', help: 'Last sequence in the event stream, as this process last saw it.', labels, value: () => this.streamLastSeq },
      { name: 'natter_projection_lag', type: 'gauge', help: 'Events in the stream not applied yet (stream last sequence minus applied sequence).', labels, value: () => this.lag },
    ]);
    this.events = new Counter({ name: 'natter_projection_events_total', help: 'Events applied (undecodable ones included: they are passed over).', labelNames: ['projection'], registers });
    this.undecodable = new Counter({ name: 'natter_projection_undecodable_total', help: 'Messages skipped because they did not decode.', labelNames: ['projection'], registers });
    this.batchSize = new Histogram({ name: 'natter_projection_batch_size', help: 'Events per applied batch (one Postgres transaction).', labelNames: ['projection'], buckets: batchSizeBuckets, registers });
    this.batchSeconds = new Histogram({ name: 'natter_projection_batch_duration_seconds', help: 'Time to apply one batch with its checkpoint.', labelNames: ['projection'], buckets: latencyBuckets, registers });
    this.events.inc(labels, 0);
    this.undecodable.inc(labels, 0);
  }

  recordBatch(size: number, written: number, undecodable: number, checkpoint: number, ms: number): void {
    this.batchSize.observe(this.labels, size);
    this.batchSeconds.observe(this.labels, ms / 1000);
    this.events.inc(this.labels, written);
    this.undecodable.inc(this.labels, undecodable);
    this.eventsTotal += written;
    this.appliedSeq = Math.max(this.appliedSeq, checkpoint);
    this.streamLastSeq = Math.max(this.streamLastSeq, checkpoint);
  }

  get lag(): number {
    return Math.max(0, this.streamLastSeq - this.appliedSeq);
  }
}
