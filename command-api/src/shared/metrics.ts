import { Counter, Histogram, latencyBuckets, Registry } from '@natter/infra/runtime';

export type Transport = 'http' | 'nats';

/** The JetStream requests command-api makes (event-store.ts, JetStreamWire). */
export type JetStreamOp = 'publish' | 'direct_get' | 'direct_get_last' | 'leader_get';

/**
 * command-api's metrics (prom-client): HTTP requests by route and status with a latency histogram, commands
 * by command and transport with a latency histogram, error answers by code, optimistic-concurrency
 * conflicts, JetStream requests by operation (what a command costs NATS: the bench divides them by the sends)
 * and the dedupe backstop's records. The registry also carries the process and NATS metrics (app.ts);
 * /metrics renders it.
 */
export class Metrics {
  private readonly commands: Counter<'command' | 'transport'>;
  private readonly commandSeconds: Histogram<'command' | 'transport'>;
  private readonly errors: Counter<'code' | 'transport'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route'>;
  private readonly conflicts: Counter;
  private readonly conflictsExhausted: Counter;
  private readonly backstop: Counter<'outcome'>;
  /** Several per send: plain numbers, read by prom-client when /metrics is scraped. */
  private readonly jetStream: Record<JetStreamOp, number> = { publish: 0, direct_get: 0, direct_get_last: 0, leader_get: 0 };

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.commands = new Counter({ name: 'natter_commands_handled_total', help: 'Commands that completed, by command and transport.', labelNames: ['command', 'transport'], registers });
    this.commandSeconds = new Histogram({ name: 'natter_command_duration_seconds', help: 'Time to handle a command (load, decide, append), by command and transport; failed ones included.', labelNames: ['command', 'transport'], buckets: latencyBuckets, registers });
    this.errors = new Counter({ name: 'natter_command_errors_total', help: 'Error answers, by error code and transport.', labelNames: ['code', 'transport'], registers });
    this.requests = new Counter({ name: 'natter_command_http_requests_total', help: 'HTTP requests, by method, route and status.', labelNames: ['method', 'route', 'status'], registers });
    this.requestSeconds = new Histogram({ name: 'natter_command_http_request_duration_seconds', help: 'HTTP request latency, by method and route.', labelNames: ['method', 'route'], buckets: latencyBuckets, registers });
    this.conflicts = new Counter({ name: 'natter_append_conflicts_total', help: 'Appends that lost an optimistic-concurrency race and were retried.', registers });
    this.conflictsExhausted = new Counter({ name: 'natter_append_conflicts_exhausted_total', help: 'Commands answered 409 conflict after the last retry.', registers });
    this.backstop = new Counter({ name: 'natter_dedupe_backstop_records_total', help: 'Sends whose dedupe record command-api wrote itself (projector late), or left to the projector.', labelNames: ['outcome'], registers });
    const jetStream = this.jetStream;
    new Counter({
      name: 'natter_jetstream_requests_total',
      help: 'JetStream requests made by command-api, by operation.',
      labelNames: ['op'],
      registers,
      collect() {
        this.reset();
        for (const [op, n] of Object.entries(jetStream)) if (n > 0) this.inc({ op }, n);
      },
    });
  }

  jetStreamRequest(op: JetStreamOp): void {
    this.jetStream[op]++;
  }

  /** Sends' dedupe records the backstop wrote itself, or left to the projector (messages/dedupe-backstop.ts). */
  dedupeBackstop(outcome: 'written' | 'left_to_projector', n: number): void {
    if (n > 0) this.backstop.inc({ outcome }, n);
  }

  commandHandled(command: string, transport: Transport, seconds: number, ok: boolean): void {
    if (ok) this.commands.inc({ command, transport });
    this.commandSeconds.observe({ command, transport }, seconds);
  }

  error(code: string, transport: Transport): void {
    this.errors.inc({ code, transport });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestSeconds.observe({ method, route }, seconds);
  }

  appendConflict(exhausted = false): void {
    (exhausted ? this.conflictsExhausted : this.conflicts).inc();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
