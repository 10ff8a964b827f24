import { connect, headers } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '@natter/contracts';
import { messageSentBody } from '../baselines/jetstream';
import { Histogram, type LatencySummary } from '../histogram';
import { HttpError, type BenchUser, type NatterApi } from '../natter/api';

/**
 * Message search at scale (issue 12): `messages` messages of varied text (words drawn from a vocabulary of
 * 5,000 with a Zipf distribution, as words in real text are, 6 to 20 per message, one in 50 with a link) over
 * `rooms` rooms the searcher is a member of, so every message is one the searcher may find. Appended straight
 * to the stream (the envelope command-api writes), indexed by the live search projection; then searches one
 * at a time through query-api (`GET /api/search?q=&limit=20`), in classes: a mid-frequency word (1 message in
 * ~100), a rare word, two words, a phrase, a word with a room filter, a word with has:link, and a word nobody
 * wrote. Every search must answer 200.
 */
export interface SearchBenchResult {
  messages: number;
  rooms: number;
  publishPerSec: number;
  /** From the first publish until the search index (asOfSeq) reached the last message. */
  indexedSeconds: number;
  requests: number;
  all: LatencySummary & { reqPerSec: number };
  byClass: Record<string, LatencySummary & { results: number }>;
}

const VOCAB = 5000;
/** Deterministic pseudo-random numbers (mulberry32), so every run searches the same text. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** The r-th word of the vocabulary: pronounceable, distinct, not an English stop word ("w" + base-36 syllables). */
const word = (r: number) => {
  const cons = 'bdfgklmnprstvz';
  const vow = 'aeiou';
  let s = '';
  let n = r + 1;
  while (n > 0) {
    s += cons[n % cons.length] + vow[Math.floor(n / cons.length) % vow.length];
    n = Math.floor(n / (cons.length * vow.length));
  }
  return `${s}x`;
};
/** Zipf(1) over the vocabulary by inverse transform on the harmonic CDF. */
function zipf(rand: () => number) {
  const cdf: number[] = [];
  let h = 0;
  for (let r = 1; r <= VOCAB; r++) cdf.push((h += 1 / r));
  return () => {
    const x = rand() * h;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function messageText(rand: () => number, pick: () => number): string {
  const n = 6 + Math.floor(rand() * 15);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(word(pick()));
  if (rand() < 0.02) words.push(`https://example.com/${word(pick())}`);
  return words.join(' ');
}

export async function seedSearch(o: { natsUrl: string; api: NatterApi; owner: BenchUser; messages: number; rooms: number; inFlight: number; timeoutMs: number }, log: (m: string) => void) {
  const rooms: { id: string; name: string }[] = [];
  for (let i = 0; i < o.rooms; i++) {
    const name = `search-${Date.now().toString(36)}-${i}`;
    rooms.push({ id: await o.api.createRoom(o.owner, name), name });
  }
  const rand = rng(12);
  const pick = zipf(rand);
  const nc = await connect({ servers: o.natsUrl.split(',') });
  const js = jetstream(nc);
  let lastSeq = 0;
  const t0 = performance.now();
  try {
    const window = new Set<Promise<unknown>>();
    for (let i = 0; i < o.messages; i++) {
      const room = rooms[i % rooms.length];
      const e = messageSentBody(room.id, o.owner.id, i, messageText(rand, pick));
      const h = headers();
      for (const [k, v] of Object.entries(e.headers)) h.set(k, v);
      const p: Promise<unknown> = js.publish(Subjects.roomMsg(room.id), e.body, { headers: h }).then((ack): void => {
        window.delete(p);
        if (ack.seq > lastSeq) lastSeq = ack.seq;
      });
      window.add(p);
      if (window.size >= o.inFlight) await Promise.race(window);
      if (i % 200_000 === 0 && i) log(`seeded ${i} messages for search`);
    }
    await Promise.all(window);
  } finally {
    await nc.close();
  }
  const publishSeconds = (performance.now() - t0) / 1000;
  log(`published ${o.messages} messages in ${publishSeconds.toFixed(1)} s; waiting for the search index`);
  const until = performance.now() + o.timeoutMs;
  for (;;) {
    try {
      const r = await o.api.search(o.owner, word(10), `minSeq=${lastSeq}`);
      if (r.asOfSeq >= lastSeq) break;
    } catch (err) {
      // search_not_ready while it back-fills, projection_lagging while a minSeq wait runs out: both mean "later"
      if (!(err instanceof HttpError && err.status === 503)) throw err;
    }
    if (performance.now() > until) throw new Error(`search index did not catch up in ${o.timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 1000));
  }
  return { rooms, lastSeq, publishPerSec: Math.round(o.messages / publishSeconds), indexedSeconds: Math.round(((performance.now() - t0) / 1000) * 10) / 10 };
}

export async function searchScenario(o: { api: NatterApi; user: BenchUser; messages: number; requests: number; seed: Awaited<ReturnType<typeof seedSearch>> }): Promise<SearchBenchResult> {
  const rand = rng(99);
  const between = (a: number, b: number) => a + Math.floor(rand() * (b - a));
  const room = () => o.seed.rooms[Math.floor(rand() * o.seed.rooms.length)].name;
  // Word r of a Zipf(1) vocabulary of 5,000 is in about 1.4/r of the messages (13 words each): r 100-300 is in
  // 0.5% to 1.4% of them (5,000 to 14,000 of a million), r 20 in 7%. The most common words (r < 20) stand for
  // what English stop words are, which the index drops.
  const classes: Record<string, () => string> = {
    'mid-frequency word': () => word(between(100, 300)),
    'rare word': () => word(between(2000, 5000)),
    'two words': () => `${word(between(20, 200))} ${word(between(20, 200))}`,
    phrase: () => `"${word(between(20, 100))} ${word(between(20, 100))}"`,
    'word in:#room': () => `${word(between(100, 300))} in:#${room()}`,
    'word has:link': () => `${word(between(100, 300))} has:link`,
    'no match': () => `qqq${between(0, 1e6)}zz`,
  };
  const names = Object.keys(classes);
  for (let i = 0; i < 20; i++) await o.api.search(o.user, classes[names[i % names.length]]()); // warm-up
  const all = new Histogram();
  const per = new Map<string, { h: Histogram; results: number; n: number }>(names.map((n) => [n, { h: new Histogram(), results: 0, n: 0 }]));
  const t0 = performance.now();
  for (let i = 0; i < o.requests; i++) {
    const name = names[i % names.length];
    const q = classes[name]();
    const s = performance.now();
    const r = await o.api.search(o.user, q);
    const ms = performance.now() - s;
    all.record(ms);
    const c = per.get(name)!;
    c.h.record(ms);
    c.results += r.items.length;
    c.n++;
  }
  const reqPerSec = Math.round((o.requests * 1000) / (performance.now() - t0));
  const byClass: SearchBenchResult['byClass'] = {};
  for (const [name, c] of per) byClass[name] = { ...c.h.summary(), results: Math.round((c.results / Math.max(1, c.n)) * 10) / 10 };
  return { messages: o.messages, rooms: o.seed.rooms.length, publishPerSec: o.seed.publishPerSec, indexedSeconds: o.seed.indexedSeconds, requests: o.requests, all: { ...all.summary(), reqPerSec }, byClass };
}
