import { afterAll, expect, it } from 'vitest';
import { TestUser } from '../support/client';
import { Launched } from '../support/launcher';

/**
 * `npm run up -- --cluster` starts the scale-out topology under the launcher's supervisor: three nats-servers
 * in one cluster, two of every service, nginx in front; it serves through the gateway, and Ctrl-C (SIGINT)
 * stops every process it started. (What the topology survives: chaos.test.ts.)
 */
let l: Launched | undefined;
afterAll(async () => {
  await l?.destroy();
});

it('runs the cluster topology, serves through the gateway, and stops it all', async () => {
  l = await Launched.start({ via: 'npm', args: ['--cluster'], env: { NATTER_NATS_PORT: '0' } });
  await l.waitUntilRunning(240_000);
  expect(l.output).toMatch(/running as a cluster \(3 NATS nodes, R3; 2 edges, 2 command-apis, 2 query-apis, 2 projectors\)/);
  const count = (re: RegExp) => l!.processes().filter((p) => re.test(p.argv.join(' '))).length;
  expect(count(/(^|\/)nats-server -c \S+nats-\d\.conf/)).toBe(3);
  for (const entry of ['command-api', 'query-api', 'projectors', 'realtime-edge']) expect(count(new RegExp(`--import tsx ${entry}/src/main\\.ts`)), entry).toBe(2);
  expect(count(/^nginx: master process/)).toBe(1);

  const alice = await TestUser.register(l.base, 'alice');
  const room = await alice.call('POST', '/api/rooms', { name: 'clustered', visibility: 'public' });
  expect(room.status).toBe(201);
  const sent = await alice.call('POST', `/api/rooms/${room.body.roomId}/messages`, { clientMsgId: 'c1', text: 'hello cluster' });
  expect(sent.status).toBe(201);
  const history = await alice.call('GET', `/api/rooms/${room.body.roomId}/messages?minSeq=${sent.body.seq}`);
  expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['hello cluster']);

  const seen = l.processes().length;
  expect(seen).toBeGreaterThanOrEqual(12);
  process.kill(l.proc.pid!, 'SIGINT');
  const exit = await l.exited;
  expect(exit.code).toBe(0);
  for (let i = 0; i < 50 && l.leftovers().length; i++) await new Promise((r) => setTimeout(r, 200));
  expect(l.leftovers().map((p) => p.argv.join(' '))).toEqual([]);
}, 300_000);
