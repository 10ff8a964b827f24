import { Streams, Subjects } from '@natter/contracts';
import { waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { CommandForwarder } from '../src/ports';
import { World } from './harness';

/**
 * The edge sheds first (EDGE_MAX_COMMANDS_IN_FLIGHT, src/admitted-commands.ts): with one command allowed in
 * flight and command-api holding it, the next command of any socket of the node is answered at once with
 * `overloaded`, its `id` and a `retryAfterMs` hint, and never reaches command-api; the held one completes.
 */
const w = new World();
let edge: EdgeHandle;
let release: (() => void) | undefined;
let forwarded = 0;
beforeAll(async () => {
  await w.start();
  const holding = (real: CommandForwarder): CommandForwarder => ({
    async execute(name, request) {
      forwarded++;
      const held = new Promise<void>((r) => (release = r));
      await held;
      return real.execute(name, request);
    },
  });
  edge = await w.edge({ commands: holding }, { EDGE_MAX_COMMANDS_IN_FLIGHT: '1' });
});
afterAll(() => w.stop());

it('past the bound a send is refused overloaded under its id with a retry hint; nothing reaches command-api or the stream', async () => {
  await w.fake.createRoom('busy', 'ann', ['ben']);
  const ann = await w.client(edge, 'ann');
  const ben = await w.client(edge, 'ben');
  await ann.resume({});
  await ben.resume({});
  ann.send({ type: 'send', id: 'a1', roomId: 'busy', clientMsgId: 'c-a1', text: 'first' });
  await waitFor('the first send held', async () => release !== undefined);
  const refused = await ben.request({ type: 'send', id: 'b1', roomId: 'busy', clientMsgId: 'c-b1', text: 'second' });
  expect(refused).toMatchObject({ type: 'error', id: 'b1', code: 'overloaded', retryAfterMs: expect.any(Number) });
  expect(forwarded).toBe(1);
  expect(edge.metrics.commandsShed).toBe(1);

  release!();
  const ack = await ann.frame('ack a1', (f) => f.type === 'ack' && f.id === 'a1');
  await ben.until('the first message', () => ben.events('busy').some((f) => f.seq === ack.result.seq));
  const jsm = await w.js.jetstreamManager();
  const last = await jsm.direct.getMessage(Streams.events, { last_by_subj: Subjects.roomMsg('busy') });
  expect(last?.seq).toBe(ack.result.seq); // the refused one was never stored
});
