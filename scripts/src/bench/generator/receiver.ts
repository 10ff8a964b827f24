import { Histogram, nowMs } from '../histogram';

const MARK = 'B1|';

/** Per room on one connection: the last stream sequence seen and which message numbers each sender got through. */
interface RoomTrack {
  lastSeq: number;
  seen: Map<number, Uint8Array>;
}

/** Bounds so a runaway sender cannot grow memory without limit. */
const MAX_N = 5_000_000;
const MAX_SECONDS = 3600;

/**
 * Delivery bookkeeping for all connections of one worker: unique deliveries, duplicates (same sender and
 * message number twice on one connection), out-of-order (a room's sequence going backwards), and latency.
 */
export class DeliveryTracker {
  step = 0;
  startAt = 0;
  delivered = 0;
  duplicates = 0;
  outOfOrder = 0;
  stale = 0;
  lastAt = 0;
  latency = new Histogram();
  perSecond: number[] = [];
  private tracks: Map<string, RoomTrack>[] = [];

  reset(step: number, startAt: number, conns: number): void {
    this.step = step;
    this.startAt = startAt;
    this.delivered = this.duplicates = this.outOfOrder = this.stale = this.lastAt = 0;
    this.latency = new Histogram();
    this.perSecond = [];
    this.tracks = Array.from({ length: conns }, () => new Map());
  }

  /** Returns false when the frame is not a bench event (the caller then parses it as JSON). */
  onFrame(local: number, s: string): boolean {
    const m = s.indexOf(MARK);
    if (m < 0 || s.indexOf('"type":"event"') < 0) return false;
    const now = nowMs();
    const r = s.indexOf('"room":"');
    const q = s.indexOf('"seq":');
    if (r < 0 || q < 0) return false;
    const room = s.slice(r + 8, s.indexOf('"', r + 8));
    const seq = parseInt(s.slice(q + 6, q + 24), 10);
    const f = s.slice(m + MARK.length, s.indexOf('"', m)).split('|');
    const sentAt = Number(f[0]);
    const sender = Number(f[1]);
    const n = Number(f[2]);
    const step = Number(f[3]);
    if (step !== this.step) {
      this.stale++;
      return true;
    }
    let rooms = this.tracks[local];
    if (!rooms) rooms = this.tracks[local] = new Map();
    let t = rooms.get(room);
    if (!t) rooms.set(room, (t = { lastSeq: 0, seen: new Map() }));
    let bits = t.seen.get(sender);
    if (!bits) t.seen.set(sender, (bits = new Uint8Array(1024)));
    if (n >= bits.length && n < MAX_N) {
      const grown = new Uint8Array(Math.max(n + 1, bits.length * 2));
      grown.set(bits);
      t.seen.set(sender, (bits = grown));
    }
    if (n < bits.length && bits[n]) {
      this.duplicates++;
      return true;
    }
    if (n < bits.length) bits[n] = 1;
    if (seq <= t.lastSeq) this.outOfOrder++;
    else t.lastSeq = seq;
    this.delivered++;
    this.lastAt = now;
    this.latency.record(now - sentAt);
    const sec = Math.floor((now - this.startAt) / 1000);
    if (sec >= 0 && sec < MAX_SECONDS) {
      while (this.perSecond.length <= sec) this.perSecond.push(0);
      this.perSecond[sec]++;
    }
    return true;
  }
}

export function benchText(sentAt: number, sender: number, n: number, step: number, padTo: number): string {
  const head = `${MARK}${sentAt.toFixed(3)}|${sender}|${n}|${step}|`;
  return head.length >= padTo ? head : head + 'x'.repeat(padTo - head.length);
}
