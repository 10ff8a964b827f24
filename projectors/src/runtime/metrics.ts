import { Counter, Gauge, Histogram, latencyBuckets, Registry } from '@natter/infra/runtime';

const batchSizeBuckets = [1, 10, 50, 100, 250, 500, 1000, 5000];

/** The metric families of one registry, shared by every projection of the process (label `projection`). */
interface Families {
  readonly instances: Set<ProjectorMetrics>;
  readonly events: Counter<'projection'>;
  readonly undecodable: Counter<'projection'>;
  readonly batchSize: Histogram<'projection'>;
  readonly batchSeconds: Histogram<'projection'>;
}
const familiesByRegistry = new WeakMap<Registry, Families>();

/** Each family is registered once per registry, so a process running several projections renders one /metrics. */
function familiesOf(registry: Registry): Families {
  const known = familiesByRegistry.get(registry);
  if (known) return known;
  const instances = new Set<ProjectorMetrics>();
  const registers = [registry];
  const gauge = (name: string, help: string, value: (m: ProjectorMetrics) => number) =>
    new Gauge({ name, help, labelNames: ['projection'], registers, collect() {
      for (const m of instances) this.set({ projection: m.projection }, value(m));
    } });
  gauge('natter_projection_active', '1 when this process holds the projection lock and applies events.', (m) => (m.role === 'active' ? 1 : 0));
  gauge('natter_projection_applied_seq', 'Last stream sequence applied (the checkpoint).', (m) => m.appliedSeq);
  gauge('natter_projection_stream_last_seq', 'Last sequence in the event stream, as this process last saw it.', (m) => m.streamLastSeq);
  gauge('natter_projection_lag', 'Events in the stream not applied yet (stream last sequence minus applied sequence).', (m) => m.lag);
  const f: Families = {
    instances,
    events: new Counter({ name: 'natter_projection_events_total', help: 'Events applied (undecodable ones included: they are passed over).', labelNames: ['projection'], registers }),
    undecodable: new Counter({ name: 'natter_projection_undecodable_total', help: 'Messages skipped because they did not decode.', labelNames: ['projection'], registers }),
    batchSize: new Histogram({ name: 'natter_projection_batch_size', help: 'Events per applied batch (one Postgres transaction).', labelNames: ['projection'], buckets: batchSizeBuckets, registers }),
    batchSeconds: new Histogram({ name: 'natter_projection_batch_duration_seconds', help: 'Time to apply one batch with its checkpoint.', labelNames: ['projection'], buckets: latencyBuckets, registers }),
  };
  familiesByRegistry.set(registry, f);
  return f;
}

/**
 * One projection's metrics in a projector process (prom-client, label `projection`): whether this process is
 * the active one, the checkpoint, the stream's end and the lag between them, events applied and skipped as
 * undecodable, batch sizes and durations. The lag is what the NatterProjectionLag alert watches. Several
 * projections in one process share the registry's families (one HELP/TYPE each), one label value apiece.
 */
export class ProjectorMetrics {
  role = 'starting';
  appliedSeq = 0;
  streamLastSeq = 0;
  /** Events applied by this process (also a plain number: the standby hand-over test reads it). */
  eventsTotal = 0;
  private readonly f: Families;
  private readonly labels: { projection: string };

  constructor(readonly projection: string, readonly registry: Registry = new Registry()) {
    this.f = familiesOf(registry);
    this.f.instances.add(this);
    this.labels = { projection };
    this.f.events.inc(this.labels, 0);
    this.f.undecodable.inc(this.labels, 0);
  }

  recordBatch(size: number, written: number, undecodable: number, checkpoint: number, ms: number): void {
    this.f.batchSize.observe(this.labels, size);
    this.f.batchSeconds.observe(this.labels, ms / 1000);
    this.f.events.inc(this.labels, written);
    this.f.undecodable.inc(this.labels, undecodable);
    this.eventsTotal += written;
    this.appliedSeq = Math.max(this.appliedSeq, checkpoint);
    this.streamLastSeq = Math.max(this.streamLastSeq, checkpoint);
  }

  get lag(): number {
    return Math.max(0, this.streamLastSeq - this.appliedSeq);
  }
}
