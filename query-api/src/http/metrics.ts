/**
 * Hand-written Prometheus exposition: request counts by route and status, a latency summary per route
 * (quantiles over the most recent samples), minSeq waits and their outcomes, and NATS user-rooms requests.
 */
const WINDOW = 2048;
const QUANTILES = [0.5, 0.9, 0.99];

class Window {
  private readonly samples: number[] = [];
  private next = 0;
  count = 0;
  sum = 0;
  add(v: number): void {
    if (this.samples.length < WINDOW) this.samples.push(v);
    else this.samples[this.next] = v;
    this.next = (this.next + 1) % WINDOW;
    this.count++;
    this.sum += v;
  }
  quantile(q: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Window>();
  private minSeqWaits = { reached: 0, timedOut: 0, seconds: 0 };
  private readonly rpc = new Map<string, number>();

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `${method}\u0000${route}`;
    let w = this.latency.get(lk);
    if (!w) this.latency.set(lk, (w = new Window()));
    w.add(seconds);
  }

  minSeqWait(reached: boolean, seconds: number): void {
    if (reached) this.minSeqWaits.reached++;
    else this.minSeqWaits.timedOut++;
    this.minSeqWaits.seconds += seconds;
  }

  rpcRequest(subject: string, outcome: string): void {
    const key = `${subject}\u0000${outcome}`;
    this.rpc.set(key, (this.rpc.get(key) ?? 0) + 1);
  }

  render(gauges: Record<string, { help: string; value: number }> = {}): string {
    const out: string[] = [];
    out.push('# HELP natter_query_http_requests_total HTTP requests by route and status.', '# TYPE natter_query_http_requests_total counter');
    for (const [key, n] of this.requests) {
      const [method, route, status] = key.split('\u0000');
      out.push(`natter_query_http_requests_total{method="${label(method)}",route="${label(route)}",status="${status}"} ${n}`);
    }
    out.push('# HELP natter_query_http_request_duration_seconds HTTP latency (quantiles over recent requests).', '# TYPE natter_query_http_request_duration_seconds summary');
    for (const [key, w] of this.latency) {
      const [method, route] = key.split('\u0000');
      const l = `method="${label(method)}",route="${label(route)}"`;
      for (const q of QUANTILES) out.push(`natter_query_http_request_duration_seconds{${l},quantile="${q}"} ${w.quantile(q)}`);
      out.push(`natter_query_http_request_duration_seconds_sum{${l}} ${w.sum}`, `natter_query_http_request_duration_seconds_count{${l}} ${w.count}`);
    }
    out.push('# HELP natter_query_minseq_waits_total Reads that waited for minSeq, by outcome.', '# TYPE natter_query_minseq_waits_total counter');
    out.push(`natter_query_minseq_waits_total{outcome="reached"} ${this.minSeqWaits.reached}`);
    out.push(`natter_query_minseq_waits_total{outcome="timeout"} ${this.minSeqWaits.timedOut}`);
    out.push('# HELP natter_query_minseq_wait_seconds_total Time spent waiting for minSeq.', '# TYPE natter_query_minseq_wait_seconds_total counter');
    out.push(`natter_query_minseq_wait_seconds_total ${this.minSeqWaits.seconds}`);
    out.push('# HELP natter_query_rpc_requests_total NATS query requests by subject and outcome.', '# TYPE natter_query_rpc_requests_total counter');
    for (const [key, n] of this.rpc) {
      const [subject, outcome] = key.split('\u0000');
      out.push(`natter_query_rpc_requests_total{subject="${label(subject)}",outcome="${label(outcome)}"} ${n}`);
    }
    for (const [name, g] of Object.entries(gauges)) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.value}`);
    return out.join('\n') + '\n';
  }
}
