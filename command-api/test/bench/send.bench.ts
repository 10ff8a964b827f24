/**
 * Micro-benchmark of the hot path: WS sends as the edge forwards them, NATS requests to natter.cmd.SendMessage.
 * Not a vitest test. Run from the repository root:
 *
 *   node --import tsx command-api/test/bench/send.bench.ts [--n=5000] [--warmup=1000] [--concurrency=64]
 *        [--users=4] [--rooms=1] [--reps=1] [--cpu-prof] [--dup] [--log-level=info]
 *
 * Starts a throwaway nats-server and database (@natter/infra/testing), command-api in this process, registers
 * `users` users and `rooms` rooms they all belong to, then a forked client process (so its CPU is not counted)
 * sends `warmup` messages, then `n` measured ones, `concurrency` in flight, round-robin over users and rooms, each
 * with a fresh clientMsgId (`--dup`: the measured phase re-sends the warmup's ids instead, the retry path).
 * Reports msg/s and CPU µs per message of this process (= command-api: process.cpuUsage over the measured
 * phase) and of the nats-server (from /proc, separate process). `--cpu-prof` profiles the measured phase
 * only (inspector, 100 µs sampling), writes <tmpdir>/natter-send-<time>.cpuprofile and prints the
 * functions with the most self time. Running the whole thing under `node --cpu-prof` works too, but then the
 * profile includes start-up.
 */
import { formatTop, selfTimes, type CpuProfile } from '@natter/infra/testing';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Args {
  n: number;
  warmup: number;
  concurrency: number;
  users: number;
  rooms: number;
  reps: number;
  cpuProf: boolean;
  dup: boolean;
  logLevel: string;
  countWrites: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (k: string) => argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1];
  return {
    n: Number(get('n') ?? 5000),
    warmup: Number(get('warmup') ?? 1000),
    concurrency: Number(get('concurrency') ?? 64),
    users: Number(get('users') ?? 4),
    rooms: Number(get('rooms') ?? 1),
    reps: Number(get('reps') ?? 1),
    cpuProf: argv.includes('--cpu-prof'),
    dup: argv.includes('--dup'),
    logLevel: get('log-level') ?? 'info',
    countWrites: argv.includes('--count-writes'),
  };
}

// ---------------------------------------------------------------- client (forked process)

interface ClientSetup {
  natsUrl: string;
  roomIds: string[];
  auths: { userId: string; sessionId: string }[];
  args: Args;
}
type ToParent = { t: 'phase-done'; phase: string; ms: number; errors: Record<string, number>; clientCpuUs: number };
type ToClient = { t: 'run'; phase: string; count: number; idPrefix: string };

async function client(): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const setup = JSON.parse(process.env.SEND_BENCH_SETUP!) as ClientSetup;
  const nc = await connect({ servers: setup.natsUrl, noAsyncTraces: true });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const send = (m: ToParent) => process.send!(m);

  process.on('message', async (m: ToClient) => {
    if (m.t !== 'run') return;
    const errors: Record<string, number> = {};
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= m.count) return;
        const auth = setup.auths[i % setup.auths.length];
        const body = { auth, input: { roomId: setup.roomIds[i % setup.roomIds.length], clientMsgId: `${m.idPrefix}-${i}`, text: `message number ${i} of the benchmark, a typical short chat line` } };
        try {
          const r = await nc.request('natter.cmd.SendMessage', enc.encode(JSON.stringify(body)), { timeout: 30_000 });
          const reply = JSON.parse(dec.decode(r.data)) as { ok: boolean; error?: { code: string }; result?: { duplicate: boolean } };
          const k = reply.ok ? (reply.result!.duplicate ? 'ok-duplicate' : 'ok') : reply.error!.code;
          errors[k] = (errors[k] ?? 0) + 1;
        } catch (err) {
          const k = `request: ${(err as Error).message}`;
          errors[k] = (errors[k] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: setup.args.concurrency }, worker));
    const ms = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    send({ t: 'phase-done', phase: m.phase, ms, errors, clientCpuUs: c.user + c.system });
  });
  process.on('disconnect', () => void nc.close().then(() => process.exit(0)));
  send({ t: 'phase-done', phase: 'ready', ms: 0, errors: {}, clientCpuUs: 0 });
}

// ---------------------------------------------------------------- main (command-api in process)

/** utime + stime of another process, in µs (from /proc; clock ticks are 100 Hz on Linux). */
function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

function summariseProfile(p: CpuProfile, top = 30): string {
  const { self, totalUs: total } = selfTimes(p);
  // Also by package / area: where the self time lives.
  const byArea = new Map<string, number>();
  for (const [k, us] of self) {
    const m = /\s(\S+)$/.exec(k);
    let area = '(native/vm)';
    if (m) {
      const u = m[1];
      if (u.startsWith('node:')) area = u.split(':')[0] + ':' + u.split(':')[1].split('/')[0];
      else if (u.includes('/src/')) area = u.split('/src/')[0] + '/src';
      else area = u.split('/').slice(0, u.startsWith('@') ? 2 : 1).join('/');
    } else if (k.startsWith('(garbage collector)')) area = '(gc)';
    else if (k.startsWith('(program)') || k.startsWith('(idle)')) area = k.split(' ')[0];
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  return [
    `total ${(total / 1000).toFixed(0)} ms sampled (a native "dispatch" row is the inspector's own Profiler.stop); top self time:`,
    formatTop(self, total, top),
    '\nby area:',
    formatTop(byArea, total, 20),
  ].join('\n');
}

async function main(args: Args): Promise<void> {
  const { startNats, createTestDatabase, generateJwtKeyPem } = await import('@natter/infra/testing');
  const { createKysely, createLogger } = await import('@natter/infra/runtime');
  const { provisionAll } = await import('@natter/infra/provision');
  const { connect } = await import('@nats-io/transport-node');
  const { startCommandApi } = await import('../../src/app');
  const { loadConfig } = await import('../../src/config');

  const nats = await startNats();
  const database = await createTestDatabase();
  const log = createLogger('command-api', args.logLevel);
  let child: ChildProcess | undefined;
  let api: Awaited<ReturnType<typeof startCommandApi>> | undefined;
  try {
    {
      const db = createKysely<any>(database.url, 2);
      const nc = await connect({ servers: nats.url });
      await provisionAll(nc, db, createLogger('provision', 'warn'), { replicas: 1 });
      await nc.close();
      await db.destroy();
    }
    const keys = await generateJwtKeyPem();
    const config = await loadConfig({
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
      COMMAND_API_PORT: '0',
      NATTER_JWT_PRIVATE_KEY: keys.privateKeyPem,
      NATTER_JWT_PUBLIC_KEY: keys.publicKeyPem,
      // The per-user limit (10/s) would refuse almost everything here; the benchmark measures the path, not it.
      COMMAND_API_SENDS_PER_SECOND: '1000000',
      LOG_LEVEL: args.logLevel,
    });
    api = await startCommandApi(config, log);
    const base = `http://127.0.0.1:${api.port}`;
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      const j = (await r.json()) as any;
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
      return j;
    };
    const users: { accessToken: string; user: { id: string } }[] = [];
    for (let i = 0; i < args.users; i++) {
      users.push(await post('/api/auth/register', { username: `bench${i}`, email: `bench${i}@example.test`, password: 'correct horse battery', displayName: `Bench ${i}` }));
    }
    const roomIds: string[] = [];
    for (let r = 0; r < args.rooms; r++) {
      const { roomId } = await post('/api/rooms', { name: `bench ${r}`, visibility: 'public' }, users[0].accessToken);
      for (const u of users.slice(1)) await post(`/api/rooms/${roomId}/join`, {}, u.accessToken);
      roomIds.push(roomId);
    }
    const sid = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).sid as string;
    const setup: ClientSetup = { natsUrl: nats.url, roomIds, auths: users.map((u) => ({ userId: u.user.id, sessionId: sid(u.accessToken) })), args };

    child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, SEND_BENCH_SETUP: JSON.stringify(setup) } });
    const inbox: ToParent[] = [];
    let wake: (() => void) | undefined;
    child.on('message', (m: ToParent) => {
      inbox.push(m);
      wake?.();
    });
    const nextMsg = async (): Promise<ToParent> => {
      while (!inbox.length) await new Promise<void>((r) => (wake = r));
      return inbox.shift()!;
    };
    const run = async (phase: string, count: number, idPrefix: string) => {
      child!.send({ t: 'run', phase, count, idPrefix } satisfies ToClient);
      return nextMsg();
    };
    await nextMsg(); // ready

    const w = await run('warmup', args.warmup, 'w');
    console.log(`warmup: ${args.warmup} in ${w.ms.toFixed(0)} ms ${JSON.stringify(w.errors)}`);

    const session = args.cpuProf ? new Session() : undefined;
    const post$ = (method: string, params?: object) => new Promise<any>((res, rej) => session!.post(method, params ?? {}, (err, r) => (err ? rej(err) : res(r))));
    // --count-writes: socket writes of this process per message (each is a syscall unless the socket is corked).
    let writes = 0;
    if (args.countWrites) {
      const write = Socket.prototype.write;
      Socket.prototype.write = function (this: Socket, ...a: unknown[]) {
        writes++;
        return (write as (...x: unknown[]) => boolean).apply(this, a);
      } as typeof write;
    }
    const results: { msgPerS: number; usPerMsg: number; natsUsPerMsg: number; clientUsPerMsg: number }[] = [];
    for (let rep = 0; rep < args.reps; rep++) {
      if (session) {
        session.connect();
        await post$('Profiler.enable');
        await post$('Profiler.setSamplingInterval', { interval: 100 });
        await post$('Profiler.start');
      }
      const load = loadavg().map((x) => x.toFixed(2)).join(' ');
      writes = 0;
      const cpu0 = process.cpuUsage();
      const nats0 = procCpuUs(nats.proc.pid!);
      const r = await run(`measure-${rep}`, args.n, args.dup ? 'w' : `m${rep}`);
      const c = process.cpuUsage(cpu0);
      const natsUs = procCpuUs(nats.proc.pid!) - nats0;
      const res = { msgPerS: args.n / (r.ms / 1000), usPerMsg: (c.user + c.system) / args.n, natsUsPerMsg: natsUs / args.n, clientUsPerMsg: r.clientCpuUs / args.n };
      results.push(res);
      console.log(
        `rep ${rep}: ${args.n} sends to ${args.rooms} room(s), ${args.concurrency} in flight, ${r.ms.toFixed(0)} ms -> ${res.msgPerS.toFixed(0)} msg/s; ` +
          `command-api ${res.usPerMsg.toFixed(1)} µs CPU/msg (user ${(c.user / args.n).toFixed(1)}, sys ${(c.system / args.n).toFixed(1)}); ` +
          `nats-server ${res.natsUsPerMsg.toFixed(1)} µs/msg; client ${res.clientUsPerMsg.toFixed(1)} µs/msg; loadavg before ${load};${args.countWrites ? ` ${(writes / args.n).toFixed(2)} socket writes/msg;` : ''} replies ${JSON.stringify(r.errors)}`,
      );
      if (session) {
        const { profile } = await post$('Profiler.stop');
        session.disconnect();
        const file = join(tmpdir(), `natter-send-${new Date().toISOString().replace(/[:.]/g, '-')}-${rep}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        console.log(`profile: ${file}\n${summariseProfile(profile)}`);
      }
    }
    if (results.length > 1) {
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      console.log(`median of ${results.length}: ${med(results.map((r) => r.msgPerS)).toFixed(0)} msg/s, command-api ${med(results.map((r) => r.usPerMsg)).toFixed(1)} µs CPU/msg, nats-server ${med(results.map((r) => r.natsUsPerMsg)).toFixed(1)} µs/msg`);
    }
    console.log(`loadavg after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    child?.disconnect();
    await api?.close().catch((err) => console.error('api.close failed', err));
    await new Promise((r) => setTimeout(r, 200));
    await database.drop().catch((err) => console.error('drop failed', err));
    await nats.stop();
  }
}

if (process.env.SEND_BENCH_SETUP) {
  void client();
} else {
  main(parseArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
