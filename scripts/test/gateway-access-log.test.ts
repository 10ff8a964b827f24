import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway, type GatewayRun } from '../src/stack/gateway';

/**
 * The gateway's access log (on in production: the container logs to stdout) never holds an access token,
 * which a WebSocket sends in its query string (`/ws?access_token=…`), nor any other query string.
 */
let dir: string;
let gw: GatewayRun;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natter-gw-'));
  // No service behind it: the requests are answered by nginx itself (503 unavailable), and logged.
  const dead = await freePort();
  gw = await startGateway({ dir, host: '127.0.0.1', port: await freePort(), commandPorts: [dead], queryPorts: [dead], edgePorts: [dead], accessLog: true });
});
afterAll(async () => {
  await gw?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('logs each request without its query string, so tokens never reach the log', async () => {
  const secret = 'eyJhbGciOiJFZERTQSJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl';
  // A real WebSocket handshake (no edge behind: refused, but logged).
  await new Promise<void>((done) => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws?access_token=${secret}`);
    ws.on('error', () => done());
    ws.on('open', () => (ws.close(), done()));
  });
  await fetch(`${gw.url}/api/rooms?q=${secret}`);
  const log = join(dir, 'access.log');
  await waitFor('both requests in the access log', async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    return text.includes('GET /ws ') && text.includes('GET /api/rooms ');
  });
  const text = await readFile(log, 'utf8');
  expect(text).toContain('GET /ws HTTP/1.1');
  expect(text).toContain('GET /api/rooms HTTP/1.1');
  expect(text).not.toContain(secret);
  expect(text).not.toContain('access_token');
});
