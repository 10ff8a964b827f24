/**
 * History latency at scale: one room with 1,000,000 messages (interleaved with another room's, so sequences
 * have gaps), then random pages (newest / before / after, limit 50) over HTTP, sequential and at concurrency 4.
 * Run: node --import tsx query-api/test/bench/history.bench.ts [messages] [requests]
 * Prints client-side latency percentiles (fetch round trip included) and the server's own summary.
 */
import { sql } from 'kysely';
import { startHarness } from '../harness';

const MESSAGES = Number(process.argv[2] ?? 1_000_000);
const REQUESTS = Number(process.argv[3] ?? 2000);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const h = await startHarness();
try {
  await h.addUser('alice');
  await h.addRoom('big', 'public', [['alice', 'owner']]);
  const t0 = Date.now();
  // seq = 10 + 2*i: room 'big' has every other sequence.
  await sql`insert into ${sql.id(h.schema, 'messages')} (room_id, seq, id, sender_id, client_msg_id, text, sent_at)
    select 'big', 10 + 2 * g, 'm' || g, 'alice', 'c' || g, 'message number ' || g || ' with some ordinary chat text in it', now()
    from generate_series(1, ${MESSAGES}) g`.execute(h.db);
  await sql`insert into ${sql.id(h.schema, 'messages')} (room_id, seq, id, sender_id, client_msg_id, text, sent_at)
    select 'other', 11 + 2 * g, 'o' || g, 'alice', 'o' || g, 'other room', now() from generate_series(1, 100000) g`.execute(h.db);
  await sql`analyze ${sql.id(h.schema, 'messages')}`.execute(h.db);
  const maxSeq = 10 + 2 * MESSAGES + 1;
  await h.setCheckpoint(maxSeq);
  console.log(`inserted ${MESSAGES} messages in ${Date.now() - t0} ms`);
  const token = await h.token('alice');

  const query = (i: number) => {
    const r = Math.floor(Math.random() * (2 * MESSAGES)) + 10;
    return i % 3 === 0 ? '?limit=50' : i % 3 === 1 ? `?limit=50&before=${r}` : `?limit=50&after=${r}`;
  };
  const one = async (i: number) => {
    const s = performance.now();
    const res = await fetch(`${h.base}/api/rooms/big/messages${query(i)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { messages: unknown[] };
    if (res.status !== 200 || body.messages.length === 0) throw new Error(`bad reply ${res.status}`);
    return performance.now() - s;
  };
  for (let i = 0; i < 200; i++) await one(i); // warm-up
  for (const concurrency of [1, 4]) {
    const lat: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < REQUESTS) lat.push(await one(next++));
      }),
    );
    const secs = (performance.now() - started) / 1000;
    lat.sort((a, b) => a - b);
    console.log(
      `concurrency ${concurrency}: ${REQUESTS} requests, ${(REQUESTS / secs).toFixed(0)} req/s, ` +
        `p50 ${pct(lat, 0.5).toFixed(2)} ms, p90 ${pct(lat, 0.9).toFixed(2)} ms, p99 ${pct(lat, 0.99).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`,
    );
  }
  const metrics = await (await fetch(`${h.base}/metrics`)).text();
  console.log(metrics.split('\n').filter((l) => l.includes('messages') && l.includes('duration')).join('\n'));
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select * from ${sql.id(h.schema, 'messages')} where room_id = 'big' and seq < ${MESSAGES} order by room_id desc, seq desc limit 51`.execute(h.db);
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
} finally {
  await h.close();
}
