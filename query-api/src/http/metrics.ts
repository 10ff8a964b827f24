import { Counter, Histogram, latencyBuckets, Registry } from '@natter/infra/runtime';

/**
 * query-api's metrics (prom-client): HTTP requests by route and status with a latency histogram, error answers
 * by code, minSeq waits and their outcomes, and the NATS read endpoints by outcome. The registry also carries
 * the process and NATS metrics and a few gauges (app.ts); /metrics renders it.
 */
export class Metrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route'>;
  private readonly errors: Counter<'code'>;
  private readonly minSeqWaits: Counter<'outcome'>;
  private readonly minSeqSeconds: Histogram;
  private readonly rpc: Counter<'subject' | 'outcome'>;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.requests = new Counter({ name: 'natter_query_http_requests_total', help: 'HTTP requests, by method, route and status.', labelNames: ['method', 'route', 'status'], registers });
    this.requestSeconds = new Histogram({ name: 'natter_query_http_request_duration_seconds', help: 'HTTP request latency, by method and route.', labelNames: ['method', 'route'], buckets: latencyBuckets, registers });
    this.errors = new Counter({ name: 'natter_query_errors_total', help: 'Error answers over HTTP, by error code.', labelNames: ['code'], registers });
    this.minSeqWaits = new Counter({ name: 'natter_query_minseq_waits_total', help: 'Reads that waited for minSeq, by outcome (reached, timeout).', labelNames: ['outcome'], registers });
    this.minSeqSeconds = new Histogram({ name: 'natter_query_minseq_wait_seconds', help: 'Time reads waited for minSeq.', buckets: latencyBuckets, registers });
    this.rpc = new Counter({ name: 'natter_query_rpc_requests_total', help: 'NATS query requests, by subject and outcome (ok or the error code).', labelNames: ['subject', 'outcome'], registers });
    // Both outcomes exist from the start, so that a rate over them is defined before the first wait.
    for (const outcome of ['reached', 'timeout']) this.minSeqWaits.inc({ outcome }, 0);
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestSeconds.observe({ method, route }, seconds);
  }

  error(code: string): void {
    this.errors.inc({ code });
  }

  minSeqWait(reached: boolean, seconds: number): void {
    this.minSeqWaits.inc({ outcome: reached ? 'reached' : 'timeout' });
    this.minSeqSeconds.observe(seconds);
  }

  rpcRequest(subject: string, outcome: string): void {
    this.rpc.inc({ subject, outcome });
  }
}
