import { jetstreamManager } from '@nats-io/jetstream';
import { Streams } from '@natter/contracts';
import { openRevocations, recordRevocation } from '@natter/infra/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import { Client, sleep, World } from './harness';

const w = new World();
let edge: EdgeHandle;

beforeAll(async () => {
  await w.start();
  edge = await w.edge({}, { EDGE_COMMANDS_PER_SECOND: '5', EDGE_COMMAND_BURST: '10' });
  await w.fake.createRoom('r', 'amy', ['ben']);
});
afterAll(() => w.stop());

describe('bad input', () => {
  it('malformed JSON and unknown frames get an error frame and the socket keeps working', async () => {
    const amy = await w.client(edge, 'amy');
    amy.send('{not json');
    await amy.frame('unknown_frame', (f) => f.type === 'error' && f.code === 'unknown_frame');
    amy.send({ type: 'dance', id: 'd1' });
    await amy.frame('unknown type', (f) => f.type === 'error' && f.id === 'd1' && f.code === 'unknown_frame');
    amy.send({ type: 'send', id: 's1', roomId: 'r', clientMsgId: 'c', text: '  ' }); // blank (an empty text may carry files)
    const v = await amy.frame('validation', (f) => f.type === 'error' && f.id === 's1');
    expect(v.code).toBe('validation_failed');
    amy.send({ type: 'resume', rooms: { r: -1 } });
    await amy.frame('bad resume', (f) => f.type === 'error' && f.code === 'validation_failed' && /rooms/.test(f.message));
    amy.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await amy.until('binary refused', (fs) => fs.filter((f) => f.code === 'unknown_frame').length === 3);
    expect(amy.closed).toBeUndefined();
    await amy.resume({});
    const ack = await amy.request({ type: 'send', id: 's2', roomId: 'r', clientMsgId: 'c2', text: 'still here' });
    expect(ack.type).toBe('ack');
    await amy.frame('own message', (f) => f.type === 'event' && f.seq === ack.result.seq);
  });

  it("a second client is unaffected by another's garbage; an oversized frame closes only that socket (1009)", async () => {
    const amy = await w.client(edge, 'amy');
    const ben = await w.client(edge, 'ben');
    await amy.resume({});
    await ben.resume({});
    for (let i = 0; i < 5; i++) ben.send('\u0000garbage' + i);
    ben.send('x'.repeat(17 * 1024));
    const closed = await ben.waitClosed();
    expect(closed.code).toBe(1009);
    const seq = await w.fake.message('r', 'amy', 'after the mess');
    await amy.frame('live event', (f) => f.type === 'event' && f.seq === seq);
    expect(amy.closed).toBeUndefined();
    expect(amy.frames.filter((f) => f.type === 'error')).toHaveLength(0);
    // A 16 KiB-ish frame under the limit is fine.
    amy.send({ type: 'ping', id: 'y'.repeat(60) });
    await amy.frame('pong', (f) => f.type === 'pong');
  });

  it('frames past the per-socket rate (pings count) get rate_limited errors carrying their id; the socket stays open', async () => {
    const ben = await w.client(edge, 'ben');
    for (let i = 0; i < 30; i++) ben.send({ type: 'ping', id: `p${i}` });
    // A command in the same burst is refused under its id too (and not forwarded).
    ben.send({ type: 'send', id: 'limited-send', roomId: 'r', clientMsgId: 'never', text: 'x' });
    await ben.until('replies', (fs) => fs.filter((f) => f.type === 'pong' || f.type === 'error').length === 31);
    expect(ben.frames.find((f) => f.id === 'limited-send')).toMatchObject({ type: 'error', code: 'rate_limited' });
    const limited = ben.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(15);
    // Every ping is answered once, under its own id: a client waiting on an id never hangs.
    const replies = ben.frames.filter((f) => (f.type === 'pong' || f.type === 'error') && f.id !== 'limited-send');
    expect(replies.map((f) => f.id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `p${i}`).sort());
    expect(ben.closed).toBeUndefined();
    await sleep(600);
    ben.send({ type: 'ping', id: 'later' });
    await ben.frame('pong later', (f) => f.type === 'pong' && f.id === 'later');
  });
});

describe('auth and sessions', () => {
  it('a bad or missing token gets HTTP 401 on upgrade, no socket', async () => {
    for (const q of ['?access_token=nope', '']) {
      const err = await Client.open(`ws://127.0.0.1:${edge.port}/ws${q}`).then(
        () => undefined,
        (e) => e,
      );
      expect(err?.statusCode).toBe(401);
    }
  });

  it('an expired token gets 401 too', async () => {
    const token = await w.token('amy', 's-old', -10);
    const err = await Client.open(`ws://127.0.0.1:${edge.port}/ws?access_token=${token}`).then(
      () => undefined,
      (e) => e,
    );
    expect(err?.statusCode).toBe(401);
  });

  it('SessionRevoked closes that session (4102) only; UserDeactivated closes all (4103)', async () => {
    const laptop = await w.client(edge, 'cid', 'laptop');
    const phone = await w.client(edge, 'cid', 'phone');
    await laptop.resume({});
    await phone.resume({});
    await w.fake.revoke('cid', 'laptop');
    expect((await laptop.waitClosed()).code).toBe(4102);
    await sleep(100);
    expect(phone.closed).toBeUndefined();
    await w.fake.deactivate('cid');
    expect((await phone.waitClosed()).code).toBe(4103);
  });

  it('the revocation entry alone closes the sockets (logout whose SessionRevoked append failed)', async () => {
    const revoked = await openRevocations(w.nc);
    const tab = await w.client(edge, 'fay', 'fay-tab');
    const other = await w.client(edge, 'fay', 'fay-other');
    await tab.resume({});
    await other.resume({});
    const streamBefore = (await (await jetstreamManager(w.nc)).streams.info(Streams.events)).state.last_seq;
    await recordRevocation(revoked, { sessionId: 'fay-tab' });
    expect((await tab.waitClosed()).code).toBe(4102);
    await sleep(100);
    expect(other.closed).toBeUndefined();
    await recordRevocation(revoked, { userId: 'fay' });
    expect((await other.waitClosed()).code).toBe(4103);
    // Nothing was appended: the entries did it.
    expect((await (await jetstreamManager(w.nc)).streams.info(Streams.events)).state.last_seq).toBe(streamBefore);
  });

  it('after logout, a new connection with the old access token is refused at upgrade (401), other sessions connect', async () => {
    const token = await w.token('dee', 'dee-laptop');
    const laptop = await Client.open(w.url(edge, token));
    await laptop.resume({});
    await w.fake.revoke('dee', 'dee-laptop');
    expect((await laptop.waitClosed()).code).toBe(4102);
    const refused = await Client.refused(w.url(edge, token));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({ code: 'unauthenticated', message: expect.stringMatching(/revoked/) });
    // A node started after the logout knows it too (the watch loads the bucket's history before serving).
    const late = await w.edge();
    expect((await Client.refused(w.url(late, token))).status).toBe(401);
    await late.close();
    const phone = await w.client(edge, 'dee', 'dee-phone');
    expect((await phone.resume({})).type).toBe('synced');
    phone.close();
    const m = await (await fetch(`http://127.0.0.1:${edge.port}/metrics`)).text();
    expect(m).toMatch(/natter_edge_revoked_upgrades_total\{[^}]*\} [1-9]/);
  });

  it('a deactivated user is refused at upgrade (403 user_deactivated) with any session', async () => {
    await w.fake.deactivate('eve');
    const refused = await Client.refused(w.url(edge, await w.token('eve', 'eve-new')));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('user_deactivated');
  });

  it('serves healthz, readyz and metrics on the same port', async () => {
    const base = `http://127.0.0.1:${edge.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ nats: true });
    const m = await (await fetch(`${base}/metrics`)).text();
    expect(m).toMatch(/natter_edge_connections\{node="edge-test-0"\} \d+/);
    expect(m).toMatch(/natter_edge_events_delivered_total\{[^}]*\} [1-9]/);
    expect(m).toMatch(/natter_edge_bad_frames_total\{[^}]*\} [1-9]/);
  });
});

describe('drain', () => {
  it('tells every socket to reconnect and closes it with 4000', async () => {
    const other = await w.edge();
    const a = await w.client(other, 'amy');
    const b = await w.client(other, 'ben');
    other.drain();
    for (const c of [a, b]) {
      expect((await c.waitClosed()).code).toBe(4000);
      expect(c.frames.at(-1)).toMatchObject({ type: 'reconnect' });
    }
    const ready = await fetch(`http://127.0.0.1:${other.port}/readyz`);
    expect(ready.status).toBe(503);
  });
});
