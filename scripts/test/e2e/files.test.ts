import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjects, ObjectStores } from '@natter/contracts';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';

/**
 * Issue 13, files, end to end: command-api, query-api and projectors as processes behind the nginx gateway,
 * with a throwaway nats-server (the object store) and database. Uploads through the gateway's upload route,
 * downloads authorized by room membership, refusals with their codes, thumbnails and EXIF checked by decoding
 * what is served, range requests, and deleting the message removing its objects.
 */
const MAX = 1024 * 1024; // FILES_MAX_BYTES for this stack: small, so "too large" is quick to send
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let nc: NatsConnection;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-e2e-files-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }), env: { FILES_MAX_BYTES: String(MAX), COMMAND_API_SENDS_PER_SECOND: '100', FILES_UNATTACHED_TTL_S: '30', FILES_SWEEP_EVERY_S: '1', FILES_USER_QUOTA_BYTES: String(3 * MAX) } });
  base = stack.gatewayUrl!;
  nc = await connect({ servers: nats.url });
}, 180_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(u: TestUser, roomId: string, name: string, bytes: Uint8Array, type = 'application/octet-stream'): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const r = await fetch(`${base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${u.tokens.accessToken}` }, body: form });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function download(u: TestUser, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${u.tokens.accessToken}`, ...headers } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}
const errorCode = (b: Buffer) => JSON.parse(b.toString('utf8')).error.code as string;

/** A JPEG photo 1200x800 with EXIF (camera, GPS-ish comment) as a phone would send it. */
async function photoWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam', Model: 'X1', Copyright: 'where I live' } })
    .toBuffer();
}

/** A PNG that says it is 100,000 x 100,000 pixels (a decompression bomb), a few dozen bytes long. */
function bombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

async function objectNames(): Promise<string[]> {
  const os = await new Objm(nc).open(ObjectStores.files);
  return (await os.list()).filter((o) => !o.deleted).map((o) => o.name);
}

describe('files, end to end through the gateway', () => {
  let alice: TestUser, bob: TestUser, eve: TestUser;
  let room: string, publicRoom: string, evesRoom: string;
  let photo: { fileId: string; size: number };
  let seenJpeg: Buffer;

  it('sets up: a private room with alice and bob, a public one, and eve elsewhere', async () => {
    [alice, bob, eve] = await Promise.all(['alice', 'bob', 'eve'].map((n) => TestUser.register(base, n)));
    room = (await alice.call('POST', '/api/rooms', { name: 'team', visibility: 'private' })).body.roomId;
    publicRoom = (await alice.call('POST', '/api/rooms', { name: 'lobby', visibility: 'public' })).body.roomId;
    evesRoom = (await eve.call('POST', '/api/rooms', { name: 'eves', visibility: 'private' })).body.roomId;
    const added = await alice.call('POST', `/api/rooms/${room}/members`, { userId: bob.id });
    expect(added.status).toBe(200);
    // Reads wait for the read model (the membership fence), so bob is a member for query-api from here on.
    expect((await bob.call('GET', `/api/rooms/${room}?minSeq=${added.body.seq}`)).status).toBe(200);
  });

  it('uploads a photo: type by content, dimensions, a thumbnail, EXIF gone from both', async () => {
    const jpeg = await photoWithExif();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined(); // the test's photo really carries EXIF
    const r = await upload(alice, room, 'holiday.jpg', jpeg, 'image/jpeg');
    expect(r.status).toBe(201);
    expect(r.body.file).toMatchObject({ name: 'holiday.jpg', type: 'image/jpeg', image: { width: 1200, height: 800, thumbWidth: 400, thumbHeight: 267 } });
    photo = r.body.file;

    const got = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="holiday.jpg"; filename*=UTF-8''holiday.jpg`);
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(got.bytes.length).toBe(photo.size);
    const meta = await sharp(got.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 1200, 800, undefined]);
    expect(got.bytes.includes(Buffer.from('SecretCam'))).toBe(false);
    seenJpeg = got.bytes;

    const thumb = await download(bob, `/api/rooms/${room}/files/${photo.fileId}/thumb`);
    expect(thumb.status).toBe(200);
    const t = await sharp(thumb.bytes).metadata();
    expect([t.format, t.width, t.height, t.exif]).toEqual(['webp', 400, 267, undefined]);
  });

  it('serves byte ranges of a file (media seeking), and refuses one outside it with 416', async () => {
    const part = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { range: 'bytes=100-1123' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${photo.size}`);
    expect(part.bytes.equals(seenJpeg.subarray(100, 1124))).toBe(true);
    const tail = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(seenJpeg.subarray(seenJpeg.length - 10))).toBe(true);
    const outside = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { range: `bytes=${photo.size}-` });
    expect(outside.status).toBe(416);
    expect(errorCode(outside.bytes)).toBe('range_not_satisfiable');
  });

  it('answers 304 with no body to a copy that is current (If-None-Match), and the file again to a stale one; an outsider gets no 304', async () => {
    const full = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`);
    const etag = full.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const same = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { 'if-none-match': etag });
    expect([same.status, same.headers.get('etag'), same.bytes.length]).toEqual([304, etag, 0]);
    for (const header of [`"old", ${etag}`, `W/${etag}`, '*']) {
      expect((await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { 'if-none-match': header })).status, header).toBe(304);
    }
    const stale = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`, { 'if-none-match': '"stale"' });
    expect([stale.status, stale.bytes.equals(seenJpeg)]).toEqual([200, true]);
    const outsider = await download(eve, `/api/rooms/${room}/files/${photo.fileId}`, { 'if-none-match': etag });
    expect([outsider.status, errorCode(outsider.bytes)]).toEqual([404, 'room_not_found']);
  });

  it('refuses outsiders, guessed ids and files of another room', async () => {
    const asEve = await download(eve, `/api/rooms/${room}/files/${photo.fileId}`);
    expect([asEve.status, errorCode(asEve.bytes)]).toEqual([404, 'room_not_found']);
    const thumbAsEve = await download(eve, `/api/rooms/${room}/files/${photo.fileId}/thumb`);
    expect([thumbAsEve.status, errorCode(thumbAsEve.bytes)]).toEqual([404, 'room_not_found']);
    // Eve names the file under her own room: it is not there.
    const viaOwnRoom = await download(eve, `/api/rooms/${evesRoom}/files/${photo.fileId}`);
    expect([viaOwnRoom.status, errorCode(viaOwnRoom.bytes)]).toEqual([404, 'file_not_found']);
    const guessed = await download(bob, `/api/rooms/${room}/files/${crypto.randomUUID()}`);
    expect([guessed.status, errorCode(guessed.bytes)]).toEqual([404, 'file_not_found']);
    // Nobody anonymous.
    const anon = await fetch(`${base}/api/rooms/${room}/files/${photo.fileId}`);
    expect(anon.status).toBe(401);
    // Uploading is for members too: eve into alice's room, and into a public room she has not joined.
    expect((await upload(eve, room, 'x.pdf', Buffer.from('%PDF-1.4 hello'))).body.error.code).toBe('room_not_found');
    const pub = await upload(eve, publicRoom, 'x.pdf', Buffer.from('%PDF-1.4 hello'));
    expect([pub.status, pub.body.error.code]).toEqual([403, 'not_member']);
  });

  it('refuses bad files cleanly, and stores nothing of them', async () => {
    const before = (await objectNames()).length;
    const empty = await upload(alice, room, 'empty.txt', new Uint8Array(0));
    expect([empty.status, empty.body.error.code]).toEqual([400, 'file_empty']);
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const fake = await upload(alice, room, 'cat.png', html, 'image/png');
    expect([fake.status, fake.body.error.code]).toEqual([415, 'file_type_mismatch']);
    const bomb = await upload(alice, room, 'bomb.png', bombPng(), 'image/png');
    expect([bomb.status, bomb.body.error.code]).toEqual([422, 'image_too_large']);
    const broken = await upload(alice, room, 'broken.png', Buffer.concat([bombPng().subarray(0, 8), Buffer.from('not a png at all')]), 'image/png');
    expect([broken.status, broken.body.error.code]).toEqual([422, 'bad_image']);
    // Just over the service's limit (within the gateway's framing allowance): the service's own 413.
    const over = await upload(alice, room, 'big.bin', Buffer.alloc(MAX + 10_000, 7));
    expect([over.status, over.body.error.code, over.body.error.details.maxBytes]).toEqual([413, 'file_too_large', MAX]);
    // Far over: the gateway refuses it before any service sees it, with the same JSON shape.
    const huge = await upload(alice, room, 'huge.bin', Buffer.alloc(3 * MAX, 7));
    expect([huge.status, huge.body.error.code]).toEqual([413, 'body_too_large']);
    // Not multipart at all.
    const json = await alice.call('POST', `/api/rooms/${room}/files`, { file: 'x' });
    expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
    expect((await objectNames()).length).toBe(before);
  });

  it('holds each user to their quota (3 MiB here): the upload that would pass it is refused and not stored', async () => {
    const dave = await TestUser.register(base, 'dave');
    expect((await dave.call('POST', `/api/rooms/${publicRoom}/join`)).status).toBe(200);
    const chunk = Buffer.alloc(900 * 1024, 3);
    for (let i = 0; i < 3; i++) expect((await upload(dave, publicRoom, `part${i}.bin`, chunk)).status).toBe(201);
    const before = (await objectNames()).length;
    const over = await upload(dave, publicRoom, 'part3.bin', chunk);
    expect([over.status, over.body.error.code, over.body.error.details.quotaBytes]).toEqual([413, 'quota_exceeded', 3 * MAX]);
    expect((await objectNames()).length).toBe(before);
    // Others are not affected by dave's use.
    expect((await upload(alice, publicRoom, 'small.pdf', Buffer.from('%PDF-1.4 x'))).status).toBe(201);
  });

  it('stores an HTML file only as a download that cannot run on the app origin', async () => {
    const page = Buffer.from('<!doctype html><script>fetch("/api/me")</script>');
    const r = await upload(alice, room, 'page.html', page, 'text/html');
    expect(r.status).toBe(201);
    expect(r.body.file.type).toBe('application/octet-stream');
    const got = await download(bob, `/api/rooms/${room}/files/${r.body.file.fileId}`);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    expect(got.bytes.equals(page)).toBe(true);
  });

  it('attaches files to a message (once), shows them in history, and deleting the message removes the objects', async () => {
    const doc = await upload(alice, room, 'notes.pdf', Buffer.from('%PDF-1.7\nnotes'), 'application/pdf');
    expect(doc.status).toBe(201);
    const sent = await alice.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'with-files', text: '', attachments: [photo.fileId, doc.body.file.fileId] });
    expect(sent.status).toBe(201);
    expect(sent.body.message.attachments.map((a: { fileId: string }) => a.fileId)).toEqual([photo.fileId, doc.body.file.fileId]);
    // A file goes with one message only; someone else's file cannot be attached; a blank message needs files.
    const again = await alice.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'again', text: 'again', attachments: [photo.fileId] });
    expect([again.status, again.body.error.code]).toEqual([404, 'file_not_found']);
    const bobs = await bob.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'steal', text: 'mine', attachments: [doc.body.file.fileId] });
    expect([bobs.status, bobs.body.error.code]).toEqual([404, 'file_not_found']);
    const blank = await alice.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'blank', text: '' });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'validation_failed']);
    // A retried send answers the same message, attachments included.
    const retry = await alice.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'with-files', text: '', attachments: [photo.fileId, doc.body.file.fileId] });
    expect([retry.status, retry.body.seq]).toEqual([200, sent.body.seq]);

    const page = await bob.call('GET', `/api/rooms/${room}/messages?minSeq=${sent.body.seq}`);
    const item = page.body.messages.find((m: { seq: number }) => m.seq === sent.body.seq);
    expect(item.attachments).toEqual([photo, doc.body.file].map((f) => expect.objectContaining({ fileId: f.fileId, size: f.size })));
    expect(item.attachments[0].image).toEqual({ width: 1200, height: 800, thumbWidth: 400, thumbHeight: 267 });

    const names = [FileObjects.file(photo.fileId), FileObjects.thumb(photo.fileId), FileObjects.file(doc.body.file.fileId)];
    expect(await objectNames()).toEqual(expect.arrayContaining(names));
    const del = await alice.call('DELETE', `/api/rooms/${room}/messages/${sent.body.seq}`);
    expect(del.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await objectNames()).some((n) => names.includes(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await objectNames()).filter((n) => names.includes(n))).toEqual([]);
    const gone = await download(bob, `/api/rooms/${room}/files/${photo.fileId}`);
    expect([gone.status, errorCode(gone.bytes)]).toEqual([404, 'file_not_found']);
    const goneThumb = await download(bob, `/api/rooms/${room}/files/${photo.fileId}/thumb`);
    expect(goneThumb.status).toBe(404);
    const after = await bob.call('GET', `/api/rooms/${room}/messages?minSeq=${del.body.seq}`);
    expect(after.body.messages.find((m: { seq: number }) => m.seq === sent.body.seq).attachments).toEqual([]);
  });

  it('sets, shows and removes a picture: a square WebP without EXIF, its version on the profile', async () => {
    const put = async (u: TestUser, name: string, bytes: Uint8Array, type: string) => {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      const r = await fetch(`${base}/api/me/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${u.tokens.accessToken}` }, body: form });
      return { status: r.status, body: (await r.json()) as any };
    };
    // Bigger than the API's 64 KiB JSON limit: the gateway's upload route takes it.
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 90 }).withExif({ IFD0: { Make: 'SecretCam' } }).toBuffer();
    expect(photo.length).toBeGreaterThan(64 * 1024);
    expect(photo.length).toBeLessThan(MAX);
    const set = await put(alice, 'me.jpg', photo, 'image/jpeg');
    expect(set.status).toBe(200);
    expect(set.body.avatar).toMatch(/^[A-Za-z0-9_-]{8,16}$/);
    const got = await download(bob, `/api/users/${alice.id}/avatar`);
    expect([got.status, got.headers.get('content-type'), got.headers.get('x-content-type-options')]).toEqual([200, 'image/webp', 'nosniff']);
    const cached = await download(bob, `/api/users/${alice.id}/avatar`, { 'if-none-match': got.headers.get('etag')! });
    expect([cached.status, cached.bytes.length]).toEqual([304, 0]);
    const meta = await sharp(got.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['webp', 256, 256, undefined]);
    const profile = await bob.call('GET', `/api/users/${alice.id}?minSeq=${set.body.seq}`);
    expect(profile.body.user.avatar).toBe(set.body.avatar);

    const notImage = await put(alice, 'me.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/png');
    expect([notImage.status, notImage.body.error.code]).toEqual([415, 'file_type_mismatch']);
    const bomb = await put(alice, 'bomb.png', bombPng(), 'image/png');
    expect([bomb.status, bomb.body.error.code]).toEqual([422, 'image_too_large']);
    expect((await download(bob, `/api/users/${alice.id}/avatar`)).bytes.equals(got.bytes)).toBe(true); // refusals changed nothing

    const removed = await alice.call('DELETE', '/api/me/avatar');
    expect([removed.status, removed.body.avatar]).toEqual([200, null]);
    const none = await download(bob, `/api/users/${alice.id}/avatar`);
    expect([none.status, errorCode(none.bytes)]).toEqual([404, 'not_found']);
    expect((await bob.call('GET', `/api/users/${alice.id}?minSeq=${removed.body.seq}`)).body.user.avatar).toBeNull();
    expect((await download(bob, `/api/users/${bob.id}/avatar`)).status).toBe(404);
  });

  it('removes an upload no message took in time (FILES_UNATTACHED_TTL_S, 30 s here), and counts uploads', async () => {
    const r = await upload(alice, room, 'forgotten.pdf', Buffer.from('%PDF-1.4 never sent'));
    expect(r.status).toBe(201);
    expect(await objectNames()).toContain(FileObjects.file(r.body.file.fileId));
    const deadline = Date.now() + 60_000;
    while ((await objectNames()).includes(FileObjects.file(r.body.file.fileId)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 500));
    expect(await objectNames()).not.toContain(FileObjects.file(r.body.file.fileId));
    const gone = await download(bob, `/api/rooms/${room}/files/${r.body.file.fileId}`);
    expect(gone.status).toBe(404);
    // Too late to attach it now.
    const late = await alice.call('POST', `/api/rooms/${room}/messages`, { clientMsgId: 'too-late', text: 'here', attachments: [r.body.file.fileId] });
    expect([late.status, late.body.error.code]).toEqual([404, 'file_not_found']);
    const metrics = await (await fetch(`${stack.commandApi.url}/metrics`)).text();
    expect(metrics).toMatch(/natter_file_uploads_total\{route="file",outcome="stored"\} \d+/);
    expect(metrics).toMatch(/natter_file_uploads_total\{route="file",outcome="file_type_mismatch"\} 1/);
    expect(metrics).toMatch(/natter_files_unattached_removed_total [1-9]/);
  }, 90_000);
});
