import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

/**
 * Uploads on command-api itself (real NATS object store and Postgres): what a client sees of the upload
 * routes. The gateway-level behaviour (limits, thumbnails, downloads) is scripts/test/e2e/files.test.ts.
 */
let h: Harness;
let ann: AuthTokens;
let roomId: string;

beforeAll(async () => {
  h = await startHarness();
  ann = await h.register('fl_ann');
  roomId = (await h.http('POST', '/api/rooms', { name: 'files', visibility: 'private' }, ann.accessToken)).body.roomId;
}, 60_000);
afterAll(() => h?.stop());

function upload(name: string, bytes: Uint8Array, token = ann.accessToken) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return fetch(`${h.base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

describe('upload routes', () => {
  it('store a multipart upload', async () => {
    const r = await upload('a.pdf', Buffer.from('%PDF-1.4 hello'));
    expect(r.status).toBe(201);
    expect(((await r.json()) as any).file.name).toBe('a.pdf');
  });

  it('answer a refusal made before the body is read, after reading (and dropping) the rest of it', async () => {
    const r = await upload('big.pdf', Buffer.alloc(2 * 1024 * 1024, 1), 'not a token');
    expect([r.status, ((await r.json()) as any).error.code]).toEqual([401, 'unauthenticated']);
  });

  it('refuse another Content-Type with 415 unsupported_media_type, saying multipart/form-data is expected', async () => {
    const cases: [string, string, Record<string, string>, string | undefined][] = [
      ['POST', `/api/rooms/${roomId}/files`, { 'content-type': 'application/json' }, '{"file":"x"}'],
      ['POST', `/api/rooms/${roomId}/files`, { 'content-type': 'text/plain' }, 'x'],
      ['POST', `/api/rooms/${roomId}/files`, { 'content-type': 'application/octet-stream' }, 'x'],
      ['PUT', '/api/me/avatar', { 'content-type': 'application/json' }, '{}'],
    ];
    for (const [method, path, headers, body] of cases) {
      const r = await fetch(h.base + path, { method, headers: { ...headers, authorization: `Bearer ${ann.accessToken}` }, body });
      const b = (await r.json()) as any;
      expect([r.status, b.error.code], `${method} ${path} ${headers['content-type']}`).toEqual([415, 'unsupported_media_type']);
      expect(b.error.message).toMatch(/multipart\/form-data/);
      expect(b.error.message).not.toMatch(/JSON/);
    }
    // Commands keep the JSON message.
    const cmd = await fetch(`${h.base}/api/rooms/${roomId}/messages`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${ann.accessToken}` }, body: 'hi' });
    expect(((await cmd.json()) as any).error.message).toMatch(/JSON/);
  });
});
