import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { freePort } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayRun } from '../src/stack/gateway';

/**
 * The gateway compresses text answers for clients that accept it (the web client's bundle, JSON), and leaves
 * file downloads as they are (byte ranges pass through). A stand-in query-api behind it answers what the real
 * one would: a big JSON room list, a small JSON answer, and a text file's bytes (with Range support).
 */
let dir: string;
let gw: GatewayRun;
let upstream: Server;
const rooms = JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ id: `room-${i}`, name: `room ${i}`, topic: '', visibility: 'public', kind: 'room', unread: { readSeq: 1000 + i, unread: i % 7, mentions: 0, firstUnreadSeq: null } })), asOfSeq: 4242 });
const fileText = 'a line of a text file that someone shared in a room\n'.repeat(2000);
const bundle = `console.log(${JSON.stringify('natter web client '.repeat(4000))});\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natter-gz-'));
  // With Content-Length, as query-api answers (nginx's gzip_min_length reads it).
  const json = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  upstream = createServer((req, res) => {
    if (req.url === '/api/me/rooms') return json(res, rooms);
    if (req.url === '/api/me') return json(res, '{"user":{"id":"u1"},"asOfSeq":1}');
    if (req.url === '/api/rooms/r1/files/f1') {
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        return res.writeHead(206, { 'content-type': 'text/plain', 'content-range': `bytes ${from}-${to}/${fileText.length}`, 'accept-ranges': 'bytes' }).end(fileText.slice(from, to + 1));
      }
      return res.writeHead(200, { 'content-type': 'text/plain', 'accept-ranges': 'bytes' }).end(fileText);
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"no"}}');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  const webRoot = join(dir, 'web');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Natter</title>');
  await writeFile(join(webRoot, 'assets', 'index-abc.js'), bundle);
  await writeFile(join(webRoot, 'manifest.webmanifest'), JSON.stringify({ name: 'Natter', icons: [] }));
  gw = await startGateway({ dir, host: '127.0.0.1', port: await freePort(), commandPorts: [port], queryPorts: [port], edgePorts: [port], webRoot });
});
afterAll(async () => {
  await gw?.stop();
  upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One GET through the gateway, the body as it came over the wire (node's http does not decompress). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway compression', () => {
  it('sends a big JSON answer gzipped to a client that accepts it, and the same bytes unzipped', async () => {
    const zipped = await get('/api/me/rooms', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(String(zipped.headers.vary)).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(zipped.raw).toString()).toBe(rooms);
    expect(zipped.raw.length).toBeLessThan(rooms.length / 5);
    // A client that does not say it accepts gzip gets the answer as it is.
    const plain = await get('/api/me/rooms');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.raw.toString()).toBe(rooms);
    // A small answer is not worth it.
    const small = await get('/api/me', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.raw.toString())).toEqual({ user: { id: 'u1' }, asOfSeq: 1 });
  });

  it("compresses the web client's bundle, and serves the install manifest as a manifest", async () => {
    const js = await get('/assets/index-abc.js', { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(js.raw).toString()).toBe(bundle);
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(JSON.parse(manifest.raw.toString()).name).toBe('Natter');
  });

  it('leaves file downloads as they are, byte ranges included', async () => {
    const whole = await get('/api/rooms/r1/files/f1', { 'accept-encoding': 'gzip' });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.raw.toString()).toBe(fileText);
    const part = await get('/api/rooms/r1/files/f1', { 'accept-encoding': 'gzip', range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 100-199/${fileText.length}`);
    expect(part.raw.toString()).toBe(fileText.slice(100, 200));
  });
});
