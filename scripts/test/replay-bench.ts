/**
 * Replay throughput: `node --import tsx scripts/test/replay-bench.ts [events]` (default 50,000). Starts a
 * throwaway nats-server and database, appends a realistic mix (users, rooms, joins/leaves, mostly messages),
 * then rebuilds the read model from seq 1 and prints events/s. Not part of `vitest run`.
 */
import { headers } from '@nats-io/transport-node';
import { encodeEvent, type NewEvent } from '@natter/contracts';
import { startEnv, silent, ev } from '@natter/projectors/testing';
import { rebuildReadModel } from '@natter/projectors';

const n = Number(process.argv[2] ?? 50_000);
const env = await startEnv();
try {
  const events: (readonly [string, NewEvent])[] = [];
  for (let u = 0; u < 200; u++) events.push(ev.register(`u${u}`, `user${u}`));
  for (let r = 0; r < 100; r++) {
    events.push(ev.room(`r${r}`, `room ${r}`, 'u0'));
    for (let u = 0; u < 20; u++) events.push(ev.join(`r${r}`, `u${(r + u) % 200}`));
  }
  for (let i = 0; events.length < n; i++) {
    if (i % 50 === 49) events.push(ev.leave(`r${i % 100}`, `u${(i % 100) + 19}`), ev.join(`r${i % 100}`, `u${(i % 100) + 19}`));
    else events.push(ev.msg(`r${i % 100}`, `u${i % 200}`, i));
  }
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    await Promise.all(events.slice(i, i + 1000).map(([subject, e]) => {
      const enc = encodeEvent(e, null);
      const h = headers();
      for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
      return env.js.publish(subject, enc.body, { headers: h });
    }));
  }
  console.log(`appended ${events.length} events in ${Math.round(performance.now() - t0)} ms`);
  for (const maxEvents of [500, 1000]) {
    const r = await rebuildReadModel(env.nc, env.db, env.pg.url, silent, { batch: { maxEvents, lingerMs: 5 } });
    console.log(`replay batch=${maxEvents}: ${r.replay.events} events in ${Math.round(r.replay.ms)} ms = ${r.replay.eventsPerSec} events/s`);
  }
} finally {
  await env.stop();
}
