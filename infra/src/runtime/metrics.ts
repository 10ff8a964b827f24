import type { NatsConnection } from '@nats-io/transport-node';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * Prometheus metrics with prom-client, the standard Node.js library: one registry per service process, with
 * Node's process metrics (CPU, memory, event-loop lag, GC, handles: prom-client's defaults, `process_*` and
 * `nodejs_*`) and the NATS connection's own counters. Each service adds its metrics to the registry and serves
 * `registry.metrics()` on `GET /metrics` with `registry.contentType`. The dashboard and alert rules in
 * infra/observability/ name only metrics defined this way (scripts/test/e2e/observability.test.ts checks it).
 */
export function createMetricsRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  if (Object.keys(defaultLabels).length) registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets in seconds for HTTP requests and commands: 1 ms to 10 s. */
export const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `natter_nats_reconnects_total`, `natter_nats_disconnects_total` and `natter_nats_connected` for one NATS
 * connection. A service that reconnects often is on a flapping network or a NATS node that keeps restarting.
 */
export function instrumentNats(nc: NatsConnection, registry: Registry): void {
  const reconnects = new Counter({ name: 'natter_nats_reconnects_total', help: 'Times the NATS connection was re-established.', registers: [registry] });
  const disconnects = new Counter({ name: 'natter_nats_disconnects_total', help: 'Times the NATS connection was lost.', registers: [registry] });
  let reconnecting = false;
  new Gauge({
    name: 'natter_nats_connected',
    help: '1 while the NATS connection is up.',
    registers: [registry],
    collect() {
      this.set(nc.isClosed() || reconnecting ? 0 : 1);
    },
  });
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        reconnecting = true;
        disconnects.inc();
      } else if (s.type === 'reconnect') {
        reconnecting = false;
        reconnects.inc();
      }
    }
  })().catch(() => {});
}

/** A value read at scrape time; `labels` (fixed for the process) are put on its one series. */
export interface ExposedValue {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  value: () => number;
  labels?: Record<string, string>;
}

/**
 * Counters and gauges whose values a hot path keeps as plain numbers (`metrics.framesOut++` costs nothing;
 * a labelled prom-client `inc()` per delivered frame would): prom-client reads them when /metrics is scraped.
 */
export function exposeValues(registry: Registry, rows: readonly ExposedValue[]): void {
  for (const r of rows) {
    const labels = r.labels ?? {};
    const labelNames = Object.keys(labels);
    if (r.type === 'gauge') {
      new Gauge({ name: r.name, help: r.help, labelNames, registers: [registry], collect() {
        this.set(labels, r.value());
      } });
    } else {
      new Counter({ name: r.name, help: r.help, labelNames, registers: [registry], collect() {
        this.reset();
        this.inc(labels, r.value());
      } });
    }
  }
}

export { Counter, Gauge, Histogram, Registry } from 'prom-client';
