import { connect, headers } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '@natter/contracts';
import { messageSentBody } from '../baselines/jetstream';
import { Histogram, type LatencySummary } from '../histogram';
import type { BenchUser, NatterApi } from '../natter/api';

export interface SeedResult {
  roomId: string;
  messages: number;
  firstSeq: number;
  lastSeq: number;
  publishSeconds: number;
  publishPerSec: number;
  /** From the first publish until the read model's asOfSeq reached lastSeq. */
  catchUpSeconds: number;
  /** Events the live projector applied per second from the first publish until caught up. */
  projectorEventsPerSec: number;
  /**
   * Its rate on the backlog left when publishing ended (slope of asOfSeq), when that took at least 2 s: the
   * projector's own speed, not bounded by the publisher. Null when it kept up with publishing.
   */
  backlogEventsPerSec: number | null;
}

export interface HistoryResult {
  seed: SeedResult;
  latest: LatencySummary & { reqPerSec: number };
  middle: LatencySummary & { reqPerSec: number };
}

/**
 * Seeds one room with `messages` MessageSent events appended straight to the stream (async publishes, the
 * envelope command-api writes; command-api is bypassed for speed), and lets the live projector catch up.
 */
export async function seedRoom(o: { natsUrl: string; api: NatterApi; owner: BenchUser; messages: number; inFlight: number; timeoutMs: number }, log: (m: string) => void): Promise<SeedResult> {
  const { roomId, seq: createdSeq } = await o.api.createRoomWithSeq(o.owner, `bench history ${Date.now()}`);
  const nc = await connect({ servers: o.natsUrl.split(',') });
  const js = jetstream(nc);
  const text = 'history message '.padEnd(64, 'x');
  let firstSeq = 0;
  let lastSeq = 0;
  const startSeq = (await o.api.room(o.owner, roomId, createdSeq)).asOfSeq;
  const t0 = performance.now();
  try {
    const window = new Set<Promise<unknown>>();
    for (let i = 0; i < o.messages; i++) {
      const e = messageSentBody(roomId, o.owner.id, i, text);
      const h = headers();
      for (const [k, v] of Object.entries(e.headers)) h.set(k, v);
      const p: Promise<unknown> = js.publish(Subjects.roomMsg(roomId), e.body, { headers: h }).then((ack): void => {
        window.delete(p);
        if (!firstSeq || ack.seq < firstSeq) firstSeq = ack.seq;
        if (ack.seq > lastSeq) lastSeq = ack.seq;
      });
      window.add(p);
      if (window.size >= o.inFlight) await Promise.race(window);
      if (i % 200_000 === 0 && i) log(`seeded ${i} messages`);
    }
    await Promise.all(window);
  } finally {
    await nc.close();
  }
  const publishSeconds = (performance.now() - t0) / 1000;
  log(`published ${o.messages} messages in ${publishSeconds.toFixed(1)} s; waiting for the projector`);
  const samples: { t: number; seq: number }[] = [];
  const tPublished = performance.now();
  const until = performance.now() + o.timeoutMs;
  for (;;) {
    const r = await o.api.room(o.owner, roomId);
    samples.push({ t: performance.now(), seq: r.asOfSeq });
    if (r.asOfSeq >= lastSeq) break;
    if (performance.now() > until) throw new Error(`projector did not catch up in ${o.timeoutMs} ms (at ${r.asOfSeq} of ${lastSeq})`);
    await new Promise((res) => setTimeout(res, 500));
  }
  const b = samples[samples.length - 1];
  const catchUpSeconds = (b.t - t0) / 1000;
  const projectorEventsPerSec = Math.round((lastSeq - startSeq) / catchUpSeconds);
  const a = samples[0];
  const backlogEventsPerSec = b.t - tPublished >= 2000 && b.t > a.t ? Math.round(((b.seq - a.seq) * 1000) / (b.t - a.t)) : null;
  return {
    roomId, messages: o.messages, firstSeq, lastSeq,
    publishSeconds: Math.round(publishSeconds * 10) / 10,
    publishPerSec: Math.round(o.messages / publishSeconds),
    catchUpSeconds: Math.round(catchUpSeconds * 10) / 10,
    projectorEventsPerSec,
    backlogEventsPerSec,
  };
}

async function measure(n: number, fn: (i: number) => Promise<void>): Promise<LatencySummary & { reqPerSec: number }> {
  const h = new Histogram();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn(i);
    h.record(performance.now() - s);
  }
  return { ...h.summary(), reqPerSec: Math.round((n * 1000) / (performance.now() - t0)) };
}

/** Sequential reads (one in flight): the latest page, then pages at random positions in the middle third. */
export async function historyScenario(o: { api: NatterApi; user: BenchUser; seed: SeedResult; requests: number }): Promise<HistoryResult> {
  const { api, user, seed } = o;
  const check = (r: { messages: unknown[] }) => {
    if (r.messages.length !== 50) throw new Error(`history page had ${r.messages.length} messages, expected 50`);
  };
  for (let i = 0; i < 20; i++) check(await api.history(user, seed.roomId, 'limit=50')); // warm-up
  const latest = await measure(o.requests, async () => check(await api.history(user, seed.roomId, 'limit=50')));
  const span = seed.lastSeq - seed.firstSeq;
  const middle = await measure(o.requests, async () => {
    const before = seed.firstSeq + Math.floor(span / 3 + Math.random() * (span / 3));
    check(await api.history(user, seed.roomId, `before=${before}&limit=50`));
  });
  return { seed, latest, middle };
}
