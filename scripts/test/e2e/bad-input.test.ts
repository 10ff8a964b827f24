import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ErrorCodes, Streams } from '@natter/contracts';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

/**
 * Bad input through the real gateway (nginx) and straight to each service: every answer is a 4xx with
 * contracts' JSON error body and a listed code, never nginx's HTML, a framework's own body, a 5xx or a reset;
 * and nothing is appended.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let alice: TestUser;
let bob: TestUser;
let privateRoom: string;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-bad-input-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }) });
  base = stack.gatewayUrl!;
  [alice, bob] = await Promise.all([TestUser.register(base, 'alice'), TestUser.register(base, 'bob')]);
  privateRoom = (await alice.call('POST', '/api/rooms', { name: 'secret', visibility: 'private' })).body.roomId;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function streamMessages(): Promise<number> {
  const nc = await connect({ servers: nats.url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(Streams.events)).state.messages;
  } finally {
    await nc.close();
  }
}

/** A request as raw bytes on a fresh connection (what fetch refuses to send), and the answer as text. */
function raw(port: number, request: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1', () => s.write(request));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('error', reject);
    s.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    });
  });
}

function expectError(status: number, contentType: string | null, text: string, wantStatus: number, wantCode?: string): void {
  expect(contentType ?? '', text).toMatch(/^application\/json/);
  const body = ErrorBody.parse(JSON.parse(text));
  expect(status, text).toBe(wantStatus);
  expect(ErrorCodes[body.error.code].status).toBe(status);
  if (wantCode) expect(body.error.code).toBe(wantCode);
}

async function expectFetch(path: string, init: RequestInit, wantStatus: number, wantCode?: string, url = base): Promise<void> {
  const r = await fetch(url + path, init);
  expectError(r.status, r.headers.get('content-type'), await r.text(), wantStatus, wantCode);
}

const auth = () => ({ authorization: `Bearer ${alice.tokens.accessToken}` });
const longId = 'a'.repeat(5000);

describe('the gateway answers its own errors as JSON', () => {
  const port = () => Number(new URL(base).port);

  it('%00 and %ff in a path segment, in every method', async () => {
    for (const seg of ['%00', '%ff', 'a%00b']) {
      await expectFetch(`/api/rooms/${seg}/messages`, { headers: auth() }, 400);
      await expectFetch(`/api/rooms/${seg}/join`, { method: 'POST', headers: auth() }, 400);
      await expectFetch(`/api/rooms/${seg}/members/x`, { method: 'DELETE', headers: auth() }, 400);
    }
  });

  it('a 5,000-character room id is 400 validation_failed for reads and commands alike', async () => {
    await expectFetch(`/api/rooms/${longId}`, { headers: auth() }, 400, 'validation_failed');
    await expectFetch(`/api/rooms/${longId}/messages`, { headers: auth() }, 400, 'validation_failed');
    await expectFetch(`/api/rooms/${longId}/join`, { method: 'POST', headers: auth() }, 400, 'validation_failed');
    await expectFetch(`/api/rooms/${longId}/members/x`, { method: 'DELETE', headers: auth() }, 400, 'validation_failed');
  });

  it('a malformed room id is 400 validation_failed, never 403', async () => {
    await expectFetch('/api/rooms/a.b/messages', { headers: auth() }, 400, 'validation_failed');
    await expectFetch('/api/rooms/a%20b/members', { headers: auth() }, 400, 'validation_failed');
    await expectFetch('/api/rooms/a*b/join', { method: 'POST', headers: auth() }, 400, 'validation_failed');
  });

  it('a URL longer than the gateway takes is 414, headers too large 431', async () => {
    await expectFetch(`/api/rooms/${'a'.repeat(10_000)}`, { headers: auth() }, 414, 'uri_too_long');
    await expectFetch('/api/me', { headers: { ...auth(), 'x-big': 'b'.repeat(10_000) } }, 431, 'headers_too_large');
  });

  it('bodies over 64 KiB are always 413 body_too_large (30 times, announced or chunked), and nothing is stored', async () => {
    const before = await streamMessages();
    const big = JSON.stringify({ username: 'x', email: 'x@example.test', password: 'p'.repeat(70 * 1024), displayName: 'x' });
    for (let i = 0; i < 30; i++) {
      await expectFetch('/api/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }, 413, 'body_too_large');
    }
    await expectFetch('/api/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2_000_000) }, 413, 'body_too_large');
    const chunked = `POST /api/auth/register HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(70 * 1024).toString(16)}\r\n${'y'.repeat(70 * 1024)}\r\n0\r\n\r\n`;
    const r = await raw(port(), chunked);
    expectError(r.status, /content-type: ([^\r\n]+)/i.exec(r.headers)?.[1] ?? null, r.body, 413, 'body_too_large');
    expect(await streamMessages()).toBe(before);
  });

  it('missing or wrong Content-Type is 415 unsupported_media_type; broken JSON 400 bad_json', async () => {
    const body = JSON.stringify({ name: 'x', visibility: 'public' });
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': '' }, body }, 415, 'unsupported_media_type');
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body }, 415, 'unsupported_media_type');
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' }, 415, 'unsupported_media_type');
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"name":' }, 400, 'bad_json');
  });

  it('garbage on the wire, unknown routes and methods', async () => {
    const garbage = await raw(port(), 'GARBAGE\r\n\r\n');
    expectError(garbage.status, /content-type: ([^\r\n]+)/i.exec(garbage.headers)?.[1] ?? null, garbage.body, 400, 'bad_request');
    await expectFetch('/api/nothing-here', { headers: auth() }, 404, 'not_found');
    await expectFetch('/api/nothing-here', { method: 'POST', headers: auth() }, 404, 'not_found');
    await expectFetch('/index.html', { method: 'PUT' }, 405, 'method_not_allowed');
  });

  it('an array password says what is wrong in words a person reads', async () => {
    const r = await fetch(base + '/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'arr_pw', email: 'arr@example.test', password: ['a'], displayName: 'A' }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).error.details).toEqual([{ path: 'password', message: 'expected string, received array' }]);
  });

  it('NUL in a query string and a lone surrogate in a body are 400 validation_failed (Postgres never sees them)', async () => {
    await expectFetch('/api/rooms?q=%00', { headers: auth() }, 400, 'validation_failed');
    await expectFetch('/api/rooms?q=a%00b', { headers: auth() }, 400, 'validation_failed');
    // a lone surrogate is valid JSON but not encodable text
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"name":"a\\ud800b","visibility":"public"}' }, 400, 'validation_failed');
  });
});

describe('each service answers framework errors itself, without the gateway', () => {
  it('command-api and query-api: over-long ids, bad URL encoding, bad media types, huge bodies without a reset', async () => {
    for (const [svc, method, path] of [
      [stack.commandApi.url, 'POST', '/join'],
      [stack.queryApi.url, 'GET', '/members'],
    ] as const) {
      await expectFetch(`/api/rooms/${longId}${path}`, { method, headers: auth() }, 400, 'validation_failed', svc);
      await expectFetch(`/api/rooms/%ff${path}`, { method, headers: auth() }, 400, 'bad_request', svc);
      const port = Number(new URL(svc).port);
      const big = 'z'.repeat(70 * 1024);
      for (let i = 0; i < 10; i++) {
        const r = await raw(port, `POST /api/auth/register HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`);
        expectError(r.status, /content-type: ([^\r\n]+)/i.exec(r.headers)?.[1] ?? null, r.body, 413, 'body_too_large');
      }
      const bad = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n');
      expectError(bad.status, /content-type: ([^\r\n]+)/i.exec(bad.headers)?.[1] ?? null, bad.body, 400, 'bad_request');
    }
    await expectFetch('/api/rooms', { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' }, 415, 'unsupported_media_type', stack.commandApi.url);
  });

  it('the edge: a plain GET of /ws and a bad token are JSON', async () => {
    const edge = stack.edges[0].url;
    await expectFetch('/ws', {}, 400, 'bad_request', edge);
    await expectFetch('/ws', {}, 400, 'bad_request', base);
    await expectFetch('/nothing', {}, 404, 'not_found', edge);
  });
});

describe('one answer for missing or not yours', () => {
  it('an outsider gets exactly what a missing room gets, from every room-scoped route', async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/members', undefined],
      ['GET', '/messages', undefined],
      ['POST', '/join', undefined],
      ['POST', '/leave', undefined],
      ['POST', '/messages', { clientMsgId: 'c1', text: 'hi' }],
      ['POST', '/members', { userId: bob.id }],
      ['DELETE', `/members/${alice.id}`, undefined],
    ] as const) {
      const secret = await bob.call(method, `/api/rooms/${privateRoom}${suffix}`, body);
      const missing = await bob.call(method, `/api/rooms/no-such-room${suffix}`, body);
      expect(secret, `${method} ${suffix}`).toEqual({ status: 404, body: { error: { code: 'room_not_found', message: ErrorCodes.room_not_found.message } } });
      expect(missing).toEqual(secret);
    }
  });
});
