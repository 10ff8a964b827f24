import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestUser } from '../support/client';
import { Launched, type UnitName } from '../support/launcher';
import { listeningPorts } from '../support/procs';
import { ResumingListener, SteadySender } from '../../src/chaos/clients';

/**
 * `npm run up` keeps a chat server running when its processes crash. The real launcher (bootstrap.mjs, what
 * the npm script runs) starts its own nats-server and Postgres; a client sends messages steadily over HTTP
 * through the gateway and another listens on a WebSocket. Each supervised process is killed with SIGKILL in
 * turn: it comes back by itself (a new pid on the same port), the others never stop (same pids), and every
 * acknowledged send is in the history and was delivered on the socket exactly once, in order.
 */
let l: Launched;

beforeAll(async () => {
  // Fast presence heartbeats, so that presence after the crashes is checked in seconds.
  l = await Launched.start({ via: 'bootstrap', env: { EDGE_PRESENCE_HEARTBEAT_MS: '500' } });
  await l.waitUntilRunning();
}, 150_000);

afterAll(async () => {
  await l?.destroy();
});

const victims: UnitName[] = ['edge-1', 'command-api', 'query-api', 'projectors', 'nats-server', 'postgres', 'nginx'];

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('restarts each crashed process while the others keep serving, and loses nothing acknowledged', async () => {
  const [alice, bob] = await Promise.all([TestUser.register(l.base, 'alice'), TestUser.register(l.base, 'bob')]);
  const room = await alice.call('POST', '/api/rooms', { name: 'crash-proof', visibility: 'public' });
  expect(room.status).toBe(201);
  const roomId: string = room.body.roomId;
  expect((await bob.call('POST', `/api/rooms/${roomId}/join`)).status).toBe(200);

  const sender = new SteadySender(alice, roomId);
  const listener = new ResumingListener(bob, l.base.replace('http', 'ws') + '/ws', roomId);
  listener.start();
  sender.start();
  await until('first sends', () => sender.acked.length >= 5 && listener.messages.length >= 5, 20_000);

  const ports = l.unitPorts();
  for (const name of victims) {
    const before = l.units();
    const victim = before.get(name)!;
    const acked = sender.acked.length;
    process.kill(victim.pid, 'SIGKILL');
    await l.waitForOutput(new RegExp(`\\[natter\\] ${name} exited \\(signal SIGKILL\\); restart 1 in 0\\.5s`), 10_000);
    await l.waitForOutput(new RegExp(`\\[natter\\] ${name} is back \\(pid \\d+, restart 1,`), 60_000);

    const after = l.units();
    const back = after.get(name);
    expect(back, `${name} is running again`).toBeDefined();
    expect(back!.pid).not.toBe(victim.pid);
    expect(listeningPorts(back!.pid), `${name} listens where it did`).toEqual(ports.get(name));
    for (const [other, p] of before) {
      if (other !== name) expect(after.get(other)?.pid, `${other} kept running while ${name} restarted`).toBe(p.pid);
    }
    // Sends go through again, and the socket delivers them.
    await until(`sends after ${name} came back`, () => sender.acked.length >= acked + 5, 30_000);
    await until(`live delivery after ${name} came back`, () => listener.messages.length >= acked + 5, 30_000);
  }
  await sender.stop();

  const acked = sender.acked.map((a) => a.clientMsgId);
  const last = sender.acked.at(-1)!.seq;
  await until('the socket to catch up', () => listener.messages.length >= acked.length, 15_000);
  // Presence works again after nats-server lost its memory-storage state: bob, still connected, is online.
  let presence = await alice.call('GET', `/api/users/${bob.id}/presence`);
  for (const deadline = Date.now() + 10_000; !presence.body?.online && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 250));
    presence = await alice.call('GET', `/api/users/${bob.id}/presence`);
  }
  expect(presence.status).toBe(200);
  expect(presence.body.online).toBe(true);
  await listener.stop();

  // History: every acknowledged send exactly once, in the order it was sent, at the seq it was acked with.
  const history: { clientMsgId: string; seq: number }[] = [];
  let page = await alice.call('GET', `/api/rooms/${roomId}/messages?minSeq=${last}&after=0&limit=200`);
  for (;;) {
    expect(page.status).toBe(200);
    history.push(...page.body.messages.map((m: { clientMsgId: string; seq: number }) => ({ clientMsgId: m.clientMsgId, seq: m.seq })));
    if (!page.body.hasMore) break;
    page = await alice.call('GET', `/api/rooms/${roomId}/messages?after=${history.at(-1)!.seq}&limit=200`);
  }
  expect(history).toEqual(sender.acked);
  // The socket: the same messages, each once, in the same order, across every reconnect.
  expect(listener.messages).toEqual(sender.acked);
  expect(listener.connections).toBeGreaterThanOrEqual(3); // the edge and nginx restarts closed it at least twice

  // What clients saw while something was down: typed, retryable answers or refused connections, never an
  // HTML page or a 500.
  const failures = Object.fromEntries(sender.failures);
  for (const why of Object.keys(failures)) expect(why, JSON.stringify(failures)).toMatch(/^(503 unavailable|429 rate_limited|fetch failed|.*(ECONNREFUSED|ECONNRESET|socket hang up|other side closed|aborted due to timeout).*)$/);
  console.log(`sent ${acked.length} messages through 7 crashes; failed attempts (retried): ${JSON.stringify(failures)}`);
}, 240_000);
