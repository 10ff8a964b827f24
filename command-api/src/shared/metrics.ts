/** The JetStream requests command-api makes (event-store.ts, JetStreamWire). */
export type JetStreamOp = 'publish' | 'direct_get' | 'direct_get_last' | 'leader_get';

/**
 * A few counters in Prometheus text format, hand-written: commands handled per command and transport, errors
 * by code, optimistic-concurrency conflicts (append retries), and JetStream requests by operation (what a
 * command costs NATS: the bench divides them by the sends).
 */
export class Metrics {
  private readonly commands = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly jetStream = new Map<JetStreamOp, number>();
  private readonly backstop = new Map<'written' | 'left_to_projector', number>();
  private conflicts = 0;
  private conflictsExhausted = 0;

  commandHandled(command: string, transport: 'http' | 'nats'): void {
    const k = `command="${command}",transport="${transport}"`;
    this.commands.set(k, (this.commands.get(k) ?? 0) + 1);
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  jetStreamRequest(op: JetStreamOp): void {
    this.jetStream.set(op, (this.jetStream.get(op) ?? 0) + 1);
  }

  /** Sends' dedupe records the backstop wrote itself, or left to the projector (messages/dedupe-backstop.ts). */
  dedupeBackstop(outcome: 'written' | 'left_to_projector', n: number): void {
    if (n > 0) this.backstop.set(outcome, (this.backstop.get(outcome) ?? 0) + n);
  }

  appendConflict(exhausted = false): void {
    if (exhausted) this.conflictsExhausted++;
    else this.conflicts++;
  }

  render(): string {
    const lines = [
      '# HELP natter_commands_handled_total Commands that completed, by command and transport.',
      '# TYPE natter_commands_handled_total counter',
      ...[...this.commands].map(([k, v]) => `natter_commands_handled_total{${k}} ${v}`),
      '# HELP natter_command_errors_total Error replies, by error code.',
      '# TYPE natter_command_errors_total counter',
      ...[...this.errors].map(([k, v]) => `natter_command_errors_total{code="${k}"} ${v}`),
      '# HELP natter_append_conflicts_total Appends that lost an optimistic-concurrency race and were retried.',
      '# TYPE natter_append_conflicts_total counter',
      `natter_append_conflicts_total ${this.conflicts}`,
      '# HELP natter_append_conflicts_exhausted_total Commands answered 409 conflict after the last retry.',
      '# TYPE natter_append_conflicts_exhausted_total counter',
      `natter_append_conflicts_exhausted_total ${this.conflictsExhausted}`,
      '# HELP natter_jetstream_requests_total JetStream requests made by command-api, by operation.',
      '# TYPE natter_jetstream_requests_total counter',
      ...[...this.jetStream].map(([k, v]) => `natter_jetstream_requests_total{op="${k}"} ${v}`),
      '# HELP natter_dedupe_backstop_records_total Sends whose dedupe record command-api wrote itself (projector late), or left to the projector.',
      '# TYPE natter_dedupe_backstop_records_total counter',
      ...[...this.backstop].map(([k, v]) => `natter_dedupe_backstop_records_total{outcome="${k}"} ${v}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}
