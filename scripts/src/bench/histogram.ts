/**
 * A mergeable latency histogram: log buckets 1% wide from 1 µs to ~10^4 s, so any percentile is within 1% of
 * the true value. Counts are a plain number array so it crosses worker_threads and JSON unchanged.
 */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e10) / LOG_GROWTH) + 1;

export interface HistogramData {
  counts: number[];
  total: number;
  sumMs: number;
  maxMs: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumMs = 0;
  private maxMs = 0;

  /** Record one value in milliseconds (negative values, from clock noise, count as zero). */
  record(ms: number): void {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH));
    this.counts[i]++;
    this.total++;
    if (ms > 0) this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  merge(d: HistogramData): void {
    for (let i = 0; i < d.counts.length; i += 2) this.counts[d.counts[i]] += d.counts[i + 1];
    this.total += d.total;
    this.sumMs += d.sumMs;
    if (d.maxMs > this.maxMs) this.maxMs = d.maxMs;
  }

  /** Sparse form: [bucket, count, bucket, count, ...]. */
  toData(): HistogramData {
    const counts: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) counts.push(i, this.counts[i]);
    return { counts, total: this.total, sumMs: this.sumMs, maxMs: this.maxMs };
  }

  static from(d: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(d);
    return h;
  }

  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxMs, Math.pow(GROWTH, i) / 1000);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return {
      count: this.total,
      p50: r(this.percentile(50)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      max: r(this.maxMs),
      mean: r(this.total ? this.sumMs / this.total : 0),
    };
  }
}

/** Milliseconds on a clock shared by every worker thread of this process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
