import type { Logger } from 'pino';
import type { History, StreamState } from './ports';

/** At most one check triggered by a suspicious live message per this interval. */
const SUSPECT_MIN_INTERVAL_MS = 1000;

/**
 * The stream's epoch as this node knows it, and the checks that notice a new one. Positions are stream
 * sequences, so they only mean something within one incarnation of the stream; the epoch is its creation time
 * (`StreamInfo.created`), which changes when the stream is created again (a new cluster, deleted and
 * provisioned again). Checked:
 *   - at start (before the first socket is accepted);
 *   - every `checkEveryMs` (EDGE_EPOCH_CHECK_MS);
 *   - after a NATS reconnect (the fan-out asks before it resyncs);
 *   - when a live message looks like it comes from another stream: a seq at or below the highest this node
 *     has seen (`suspect()`, at most once a second; the stream republishes in order, so this is rare).
 *   A stream recreated and grown past the old one's end before any of its messages reach this node is only
 *   noticed by the periodic check.
 * A check is one stream info request; checks never overlap. On a change, `onChange` runs once with the new
 * state (the fan-out resets every socket: docs/websocket.md, "Epochs").
 */
export class StreamEpoch {
  private current: StreamState = { lastSeq: 0, epoch: '' };
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<{ state: StreamState; changed: boolean }> | null = null;
  private lastSuspectAt = 0;

  constructor(
    private readonly history: History,
    private readonly checkEveryMs: number,
    private readonly onChange: (next: StreamState, previous: StreamState) => void,
    private readonly log: Logger,
  ) {}

  /** Reads the stream's state once and starts the periodic check. */
  async start(): Promise<StreamState> {
    this.current = await this.history.streamState();
    this.timer = setInterval(() => void this.check().catch((err) => this.log.warn({ err }, 'stream epoch check failed')), this.checkEveryMs);
    this.timer.unref();
    return this.current;
  }

  get epoch(): string {
    return this.current.epoch;
  }

  /** The stream's state now; `changed` when its epoch is not the one this node had (onChange has run). */
  check(): Promise<{ state: StreamState; changed: boolean }> {
    this.inFlight ??= (async () => {
      try {
        const next = await this.history.streamState();
        const previous = this.current;
        const changed = next.epoch !== previous.epoch;
        this.current = next;
        if (changed) {
          this.log.warn({ previous: previous.epoch, epoch: next.epoch, lastSeq: next.lastSeq }, 'the event stream was recreated: resetting every socket');
          this.onChange(next, previous);
        }
        return { state: next, changed };
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** A live message looked out of place: check soon (rate limited). */
  suspect(): void {
    const now = Date.now();
    if (now - this.lastSuspectAt < SUSPECT_MIN_INTERVAL_MS) return;
    this.lastSuspectAt = now;
    void this.check().catch((err) => this.log.warn({ err }, 'stream epoch check failed'));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
