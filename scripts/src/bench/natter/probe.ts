import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Streams } from '@natter/contracts';
import { delta, scrape, sum, type Counters } from './metrics-scrape';

/** What Natter's own counters say about one measuring window. */
export interface WindowCounts {
  /** SendMessage commands command-api completed (both transports). */
  sends: number;
  /** JetStream requests command-api made (publishes, direct gets), by operation, per completed send. */
  jetStreamOpsPerSend: Record<string, number> | null;
  jetStreamOpsPerSendTotal: number | null;
  /** Error replies by code (overloaded, rate_limited, ...). */
  errors: Record<string, number>;
  projectorLag: ProjectorLag | null;
}

/**
 * How far the chat projection was behind the stream during the window: the most events not yet applied, the age
 * of the oldest one (when it was appended, to within the sampling period), and how long after the window the
 * projection took to apply what the window appended.
 */
export interface ProjectorLag {
  maxEvents: number;
  maxMs: number;
  catchUpMs: number;
  samples: number;
}

const SAMPLE_MS = 250;

/**
 * Measures a window of a scenario from Natter's side: command-api's counters (sends, JetStream requests by
 * operation, error codes) before and after, and the projector's lag, sampled every 250 ms (the stream's last
 * sequence from NATS, the applied sequence from the projector's /metrics).
 */
export class NatterProbe {
  private before: Counters | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly timeline: { t: number; lastSeq: number }[] = [];
  private lag = { maxEvents: 0, maxMs: 0, samples: 0 };
  private sampling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly commandUrl: string,
    private readonly projectorsUrl: string | undefined,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(o: { commandUrl: string; projectorsUrl?: string; natsUrl: string }): Promise<NatterProbe> {
    const nc = await connect({ servers: o.natsUrl.split(','), name: 'bench-probe' });
    return new NatterProbe(o.commandUrl, o.projectorsUrl, nc, await jetstreamManager(nc));
  }

  async close(): Promise<void> {
    await this.nc.close();
  }

  async begin(): Promise<void> {
    this.before = await scrape(this.commandUrl);
    this.timeline.length = 0;
    this.lag = { maxEvents: 0, maxMs: 0, samples: 0 };
    if (this.projectorsUrl) {
      this.timer = setInterval(() => {
        this.sampling = this.sampling.then(() => this.sample()).catch(() => {});
      }, SAMPLE_MS);
    }
  }

  async end(): Promise<WindowCounts> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sampling;
    const after = await scrape(this.commandUrl);
    const before = this.before ?? after;
    const sends = delta(before, after, 'natter_commands_handled_total', { command: 'SendMessage' });
    const ops: Record<string, number> = {};
    let total = 0;
    for (const op of ['publish', 'direct_get', 'direct_get_last', 'leader_get']) {
      const n = delta(before, after, 'natter_jetstream_requests_total', { op });
      if (n > 0) ops[op] = Math.round((n / Math.max(1, sends)) * 100) / 100;
      total += n;
    }
    const errors: Record<string, number> = {};
    for (const k of after.keys()) {
      const m = /^natter_command_errors_total\{code="([^"]+)"\}$/.exec(k);
      if (m) {
        const n = delta(before, after, 'natter_command_errors_total', { code: m[1] });
        if (n > 0) errors[m[1]] = n;
      }
    }
    const hasOps = sum(after, 'natter_jetstream_requests_total') > 0;
    return {
      sends,
      jetStreamOpsPerSend: hasOps && sends > 0 ? ops : null,
      jetStreamOpsPerSendTotal: hasOps && sends > 0 ? Math.round((total / sends) * 100) / 100 : null,
      errors,
      projectorLag: this.projectorsUrl ? { ...this.lag, catchUpMs: await this.catchUp() } : null,
    };
  }

  private async applied(): Promise<number> {
    return sum(await scrape(this.projectorsUrl!), 'natter_projection_applied_seq', { projection: 'chat' });
  }

  private async sample(): Promise<void> {
    const now = Date.now();
    const [info, applied] = await Promise.all([this.jsm.streams.info(Streams.events), this.applied()]);
    const lastSeq = info.state.last_seq;
    this.timeline.push({ t: now, lastSeq });
    this.lag.samples++;
    this.lag.maxEvents = Math.max(this.lag.maxEvents, lastSeq - applied);
    // The oldest unapplied event was appended no earlier than the first sample whose last seq passed `applied`.
    const first = this.timeline.find((p) => p.lastSeq > applied);
    if (first) this.lag.maxMs = Math.max(this.lag.maxMs, now - first.t);
  }

  /** Milliseconds from the end of the window until the projection applied the stream's end as of that moment. */
  private async catchUp(): Promise<number> {
    const t0 = Date.now();
    const target = (await this.jsm.streams.info(Streams.events)).state.last_seq;
    while (Date.now() - t0 < 60_000) {
      if ((await this.applied()) >= target) return Date.now() - t0;
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - t0;
  }
}
