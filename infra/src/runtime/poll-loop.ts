/**
 * Runs `round` every `everyMs`, and at once when nudged, never two rounds at a time: a nudge during a round
 * runs one more right after it. A failed round goes to `onError` and the loop goes on. `stop` ends the loop and
 * waits for the round in progress, so nothing is left half-done. The outbox drainers (mail, push, email
 * digests) each run one.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** True once `stop` was called: a long round checks it between batches. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.nudge();
      this.timer = setTimeout(tick, this.everyMs);
      this.timer.unref();
    };
    tick();
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .then(() => {}, this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.nudge();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
