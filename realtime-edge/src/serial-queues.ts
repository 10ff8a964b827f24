import type { Logger } from 'pino';

type Task = () => void | Promise<void>;

/**
 * One FIFO of tasks per key (a room or a user). A task runs synchronously when its key is idle, so the common
 * live path costs no promise hop; an async task (gap repair, feed set-up) holds back later tasks of that key only.
 * Tasks pushed from inside a running task run after it, never re-entrantly.
 */
export class SerialQueues {
  private readonly queues = new Map<string, { items: { task: Task; done: () => void }[]; running: boolean }>();

  constructor(private readonly log: Logger) {}

  run(key: string, task: Task): Promise<void> {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = { items: [], running: false }));
    return new Promise<void>((done) => {
      q.items.push({ task, done });
      if (!q.running) this.pump(key, q);
    });
  }

  /**
   * `run` for a caller that does not wait: the live path, once per event. When the key is idle and the task
   * completes synchronously (the common case) nothing is allocated for the queue.
   */
  post(key: string, task: Task): void {
    if (!this.queues.has(key)) {
      let r: void | Promise<void>;
      try {
        r = task();
      } catch (err) {
        this.log.error({ err, key }, 'queued task failed');
        return;
      }
      if (!r || typeof (r as Promise<void>).then !== 'function') return;
      // It went async: later tasks of the key wait for it.
      const q = { items: [] as { task: Task; done: () => void }[], running: true };
      this.queues.set(key, q);
      (r as Promise<void>)
        .catch((err) => this.log.error({ err, key }, 'queued task failed'))
        .then(() => this.pump(key, q));
      return;
    }
    void this.run(key, task);
  }

  private pump(key: string, q: { items: { task: Task; done: () => void }[]; running: boolean }): void {
    q.running = true;
    while (q.items.length) {
      const { task, done } = q.items.shift()!;
      let r: void | Promise<void>;
      try {
        r = task();
      } catch (err) {
        this.log.error({ err, key }, 'queued task failed');
        done();
        continue;
      }
      if (r && typeof (r as Promise<void>).then === 'function') {
        (r as Promise<void>)
          .catch((err) => this.log.error({ err, key }, 'queued task failed'))
          .then(() => {
            done();
            this.pump(key, q);
          });
        return;
      }
      done();
    }
    q.running = false;
    this.queues.delete(key);
  }
}
