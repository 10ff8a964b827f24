import { headers as natsHeaders } from '@nats-io/transport-node';
import { encodeEvent, newId, Subjects } from '@natter/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep, World } from './harness';

const w = new World();
beforeAll(() => w.start());
afterAll(() => w.stop());

it('a client that stops reading is closed with 4001 past the backpressure bound; others keep receiving', async () => {
  const edge = await w.edge();
  await w.fake.createRoom('flood', 'sam', ['tia']);
  const sam = await w.client(edge, 'sam');
  const tia = await w.client(edge, 'tia');
  await sam.resume({});
  await tia.resume({});
  (sam.ws as unknown as { _socket: { pause(): void } })._socket.pause();

  const text = 'z'.repeat(4000);
  let last = 0;
  for (let batch = 0; batch < 40 && !sam.closed; batch++) {
    const acks = await Promise.all(
      Array.from({ length: 100 }, () => {
        const { body, headers } = encodeEvent({ type: 'MessageSent', data: { roomId: 'flood', messageId: newId(), senderId: 'tia', clientMsgId: newId(), text } }, 'tia');
        const h = natsHeaders();
        for (const [k, v] of Object.entries(headers)) h.set(k, v);
        return w.js.publish(Subjects.roomMsg('flood'), body, { headers: h });
      }),
    );
    last = Math.max(last, ...acks.map((a) => a.seq));
    if (edge.metrics.slowConsumerCloses > 0) break;
  }
  // The edge may still be working through what was published (a loaded machine): the close comes when the
  // socket's buffer passes the bound, not when the last publish is acknowledged.
  for (const deadline = Date.now() + 15_000; edge.metrics.slowConsumerCloses === 0 && Date.now() < deadline; ) await sleep(50);
  expect(edge.metrics.slowConsumerCloses).toBe(1);
  (sam.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  expect((await sam.waitClosed(10_000)).code).toBe(4001);
  await tia.until('every event', () => tia.events('flood').at(-1)?.seq === last, 20_000);
  expect(tia.closed).toBeUndefined();
});
