import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type NatsServerHandle } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsNoResponders, NatsRequester, NatsRequestTimeout } from '../src/runtime/nats-requests';

let nats: NatsServerHandle;
let nc: NatsConnection;
let requests: NatsRequester;
beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  requests = new NatsRequester(nc, 300);
  nc.subscribe('echo', { callback: (_err, m) => void m.respond(m.data) });
  nc.subscribe('silent', { callback: () => {} });
  await nc.flush();
});
afterAll(async () => {
  requests?.close();
  await nc?.close();
  await nats?.stop();
});

describe('NatsRequester', () => {
  it('matches each reply to its request, many in flight', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => requests.request('echo', `m${i}`)));
    expect(replies.map((m) => m.string())).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('no responders and timeouts are typed errors (callers map both to unavailable)', async () => {
    const none = await requests.request('nobody.home', '').catch((e: unknown) => e);
    expect(none).toBeInstanceOf(NatsNoResponders);
    const late = await requests.request('silent', '').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(NatsRequestTimeout);
    // Still usable afterwards.
    expect((await requests.request('echo', 'again')).string()).toBe('again');
  });
});
