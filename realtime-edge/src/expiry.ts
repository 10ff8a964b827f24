/** Something closed when its access token expires. */
export interface Expirable {
  expire(): void;
}

/**
 * Access-token expiry for every socket of the node on one timer, instead of a `setTimeout` per socket (a
 * Timeout object, its list entry and a closure each: a few hundred bytes per idle connection). Sockets are
 * bucketed by expiry second (JWT `exp` is in whole seconds); every `tickMs` the due buckets are closed, so a
 * socket outlives its token by at most `tickMs`.
 */
export class ExpiryWheel<T extends Expirable> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly timer: NodeJS.Timeout;
  private nextDue = Number.MAX_SAFE_INTEGER;

  constructor(tickMs = 250) {
    this.timer = setInterval(() => this.tick(Date.now()), tickMs);
    this.timer.unref();
  }

  /** Returns the bucket key, to be handed back to `remove`. */
  add(item: T, expiresAtMs: number): number {
    const key = Math.ceil(expiresAtMs / 1000);
    let set = this.buckets.get(key);
    if (!set) this.buckets.set(key, (set = new Set()));
    set.add(item);
    if (key < this.nextDue) this.nextDue = key;
    return key;
  }

  remove(item: T, key: number): void {
    const set = this.buckets.get(key);
    if (!set?.delete(item)) return;
    if (set.size === 0) this.buckets.delete(key);
  }

  tick(nowMs: number): void {
    const now = nowMs / 1000;
    if (this.nextDue > now) return;
    let next = Number.MAX_SAFE_INTEGER;
    for (const [key, set] of [...this.buckets]) {
      if (key > now) {
        if (key < next) next = key;
        continue;
      }
      this.buckets.delete(key);
      for (const item of set) item.expire();
    }
    this.nextDue = next;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
