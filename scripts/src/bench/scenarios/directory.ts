import { connect, headers } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { encodeEvent, newId, Subjects } from '@natter/contracts';
import { Histogram, type LatencySummary } from '../histogram';
import { HttpError, type BenchUser, type NatterApi } from '../natter/api';

/**
 * The user directory at scale: `users` accounts seeded by appending UserRegistered events straight to the
 * stream (the envelope command-api writes; command-api and argon2 bypassed for speed), projected by the live
 * projector into users + user_search_terms; then directory searches (`GET /api/users?q=`) one at a time,
 * in classes: a one-letter prefix (the widest), two and three letters, a whole word, two words, accented and
 * upper-case spellings of unaccented names (folding), and a word nobody has; and `GET /api/me` interleaved as
 * the same-run reference of the read path.
 */
export interface DirectoryResult {
  users: number;
  publishPerSec: number;
  catchUpSeconds: number;
  requests: number;
  all: LatencySummary & { reqPerSec: number };
  byClass: Record<string, LatencySummary & { results: number }>;
}

const FIRST = ['Ada', 'Zoë', 'Élodie', 'Björn', 'Łukasz', 'Ana', 'José', 'Chloé', 'Søren', 'Ines', 'Noah', 'Mia', 'Omar', 'Yuki', 'Priya', 'Ángel', 'Grace', 'Liam', 'Nadia', 'Tomás'];
const LAST = ['Lovelace', 'Ångström', 'Müller', 'García', 'Dubois', 'Nowak', 'Rossi', 'Kowalski', 'Hansen', 'Silva', 'Tanaka', 'Smith', 'Öztürk', 'Novák', 'Petit', 'Ferreira', 'Jensen', 'Moreau', 'Schmidt', 'Núñez'];

/** The i-th seeded person: a first and last name from the lists, a unique username. */
function person(i: number) {
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  return { displayName: `${first} ${last} ${i}`, username: `dir_${i.toString(36)}` };
}

export async function seedUsers(o: { natsUrl: string; api: NatterApi; user: BenchUser; users: number; inFlight: number; timeoutMs: number }, log: (m: string) => void) {
  const nc = await connect({ servers: o.natsUrl.split(',') });
  const js = jetstream(nc);
  let lastSeq = 0;
  const t0 = performance.now();
  try {
    const window = new Set<Promise<unknown>>();
    for (let i = 0; i < o.users; i++) {
      const userId = newId();
      const p0 = person(i);
      const e = encodeEvent({ type: 'UserRegistered', data: { userId, username: p0.username, displayName: p0.displayName, email: `${p0.username}@bench.invalid` } }, userId);
      const h = headers();
      for (const [k, v] of Object.entries(e.headers)) h.set(k, v);
      const p: Promise<unknown> = js.publish(Subjects.user(userId), e.body, { headers: h }).then((ack): void => {
        window.delete(p);
        if (ack.seq > lastSeq) lastSeq = ack.seq;
      });
      window.add(p);
      if (window.size >= o.inFlight) await Promise.race(window);
      if (i % 50_000 === 0 && i) log(`seeded ${i} users`);
    }
    await Promise.all(window);
  } finally {
    await nc.close();
  }
  const publishSeconds = (performance.now() - t0) / 1000;
  log(`published ${o.users} registrations in ${publishSeconds.toFixed(1)} s; waiting for the projector`);
  for (const until = Date.now() + o.timeoutMs; ; ) {
    try {
      await o.api.directory(o.user, 'ada', lastSeq);
      break;
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 503) || Date.now() > until) throw err;
    }
  }
  return { publishPerSec: Math.round(o.users / publishSeconds), catchUpSeconds: Math.round(((performance.now() - t0) / 1000) * 10) / 10 };
}

/** Query classes, each a function of the request number (so a run covers many different prefixes). */
const classes: Record<string, (i: number) => string> = {
  'one letter': (i) => 'abcdeglmnopstyz'[i % 15],
  'two letters': (i) => ['ad', 'zo', 'el', 'bj', 'lu', 'jo', 'ch', 'so', 'no', 'mi', 'ga', 'mu', 'ro', 'ta', 'pe'][i % 15],
  'three letters': (i) => ['ada', 'zoe', 'elo', 'bjo', 'luk', 'jos', 'chl', 'sor', 'nov', 'gar', 'mul', 'ros', 'tan', 'fer', 'jen'][i % 15],
  'whole word': (i) => LAST[i % LAST.length],
  'two words': (i) => `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length].slice(0, 3)}`,
  'folded spelling': (i) => ['ZOE', 'elodie', 'angstr', 'Soren', 'lukasz', 'OZTURK', 'nunez', 'CHLOE'][i % 8],
  'no match': (i) => `qqq${i % 10}`,
};

/**
 * The same-run reference, measured interleaved with the searches: `GET /api/me` takes the same path (token,
 * snapshot, checkpoint) with one primary-key read, so the difference is what the search itself costs and the
 * rest is this shared box's noise.
 */
const BASELINE = 'baseline: GET /api/me';

export async function directoryScenario(o: { api: NatterApi; user: BenchUser; users: number; requests: number; seed: { publishPerSec: number; catchUpSeconds: number } }): Promise<DirectoryResult> {
  const names = [...Object.keys(classes), BASELINE];
  const run = (name: string, i: number) => (name === BASELINE ? o.api.me(o.user).then(() => ({ items: [] })) : o.api.directory(o.user, classes[name](i)));
  for (let i = 0; i < 30; i++) await run(names[i % names.length], i); // warm-up
  const all = new Histogram(); // searches only
  const per = new Map(names.map((n) => [n, { h: new Histogram(), results: 0, n: 0 }]));
  const t0 = performance.now();
  for (let i = 0; i < o.requests; i++) {
    const name = names[i % names.length];
    const s = performance.now();
    const r = await run(name, Math.floor(i / names.length));
    const ms = performance.now() - s;
    if (name !== BASELINE) all.record(ms);
    const c = per.get(name)!;
    c.h.record(ms);
    c.results += r.items.length;
    c.n++;
  }
  const byClass = Object.fromEntries([...per].map(([n, c]) => [n, { ...c.h.summary(), results: Math.round(c.results / Math.max(1, c.n)) }]));
  return { users: o.users, ...o.seed, requests: o.requests, all: { ...all.summary(), reqPerSec: Math.round((o.requests * 1000) / (performance.now() - t0)) }, byClass };
}

