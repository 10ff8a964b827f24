import { request, type ClientRequest } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

/**
 * Uploads have their own slots (FILES_MAX_CONCURRENT), apart from the commands' (COMMAND_API_MAX_IN_FLIGHT):
 * with one of each, an upload whose body the test sends slowly holds the only upload slot, and meanwhile a
 * send is still stored while a second upload is refused `overloaded`.
 */
let h: Harness;
let ann: AuthTokens;
let roomId: string;
beforeAll(async () => {
  // The upload rate is raised: the probes below are uploads too, and on a loaded machine (the slow upload taking
  // long to reach its slot) they used to run into the per-user upload limit and answer 429 instead of 503.
  h = await startHarness({ env: { COMMAND_API_MAX_IN_FLIGHT: '1', FILES_MAX_CONCURRENT: '1', COMMAND_API_UPLOADS_PER_USER: '100000/60' } });
  ann = await h.register('ua_ann');
  roomId = (await h.http('POST', '/api/rooms', { name: 'uploads', visibility: 'private' }, ann.accessToken)).body.roomId;
}, 60_000);
afterAll(() => h?.stop());

const boundary = 'natter-test-boundary';
const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
const tail = `\r\n--${boundary}--\r\n`;

/** An upload whose body is sent in two halves: the first now, the rest when `finish` is called. */
function slowUpload(): { finish(): void; abort(): void; answer: Promise<{ status: number; body: any }> } {
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req = request(`${h.base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${ann.accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.write(head + '%PDF-1.4 first half');
  return { finish: () => req.end(' second half' + tail), abort: () => req.destroy(), answer };
}

async function quickUpload(): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 quick')], { type: 'application/pdf' }), 'quick.pdf');
  const r = await fetch(`${h.base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${ann.accessToken}` }, body: form });
  return { status: r.status, body: await r.json() };
}

/**
 * Starts a slow upload and returns once it holds the only upload slot: proven by a quick upload being refused
 * `overloaded` (nothing else is uploading). A quick upload may take the slot first; the slow one is then the
 * one refused, and is started again.
 */
async function holdTheUploadSlot(): Promise<{ slow: ReturnType<typeof slowUpload>; probe: { status: number; body: any } }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const slow = slowUpload();
    let answered = false;
    slow.answer.then(() => (answered = true), () => (answered = true));
    // Probe until the slow upload holds the slot or is answered. Its checks come before its slot; on a loaded
    // machine it once neither took the slot nor was answered within 10 s while every probe was stored: such an
    // attempt is abandoned (the request aborted) and the slow upload started again.
    for (const deadline = Date.now() + 5_000; Date.now() < deadline && !answered; ) {
      await new Promise((r) => setTimeout(r, 10));
      if (answered) break;
      const probe = await quickUpload();
      if (probe.status === 503) return { slow, probe };
      expect(probe.status, JSON.stringify(probe.body)).toBe(201);
    }
    if (!answered) slow.abort();
  }
  throw new Error('the slow upload never got the slot');
}

it('an upload holding every upload slot leaves sends alone; another upload meanwhile is overloaded', async () => {
  const { slow, probe } = await holdTheUploadSlot();
  try {
    expect([probe.status, probe.body.error.code]).toEqual([503, 'overloaded']);
    const send = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'during-upload', text: 'still here' }, ann.accessToken);
    expect(send.status, JSON.stringify(send.body)).toBe(201);
  } finally {
    slow.finish();
  }
  const done = await slow.answer;
  expect(done.status, JSON.stringify(done.body)).toBe(201);
  expect(done.body.file.size).toBe(Buffer.byteLength('%PDF-1.4 first half second half'));
  expect((await quickUpload()).status).toBe(201); // the slot is free again
});

it('a refused upload gives its slot back at once: a photo named .pdf (a body of many chunks) is 415, again and again, and the next upload is stored', async () => {
  // Noise compresses badly: a PNG of a few hundred KiB arrives in many chunks, so the refusal comes while most
  // of the body is still to be read (it once held the slot for good, and every later upload was `overloaded`).
  const photo = await sharp({ create: { width: 500, height: 500, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
  expect(photo.length).toBeGreaterThan(256 * 1024);
  for (let i = 0; i < 3; i++) {
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'application/pdf' }), 'report.pdf');
    const r = await fetch(`${h.base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${ann.accessToken}` }, body: form, signal: AbortSignal.timeout(20_000) });
    expect([r.status, ((await r.json()) as any).error.code], `try ${i + 1}`).toEqual([415, 'file_type_mismatch']);
  }
  expect((await quickUpload()).status).toBe(201);
});

it('an outsider is told so (404) even while every upload slot is taken, not `overloaded`', async () => {
  const eve = await h.register('ua_eve');
  const { slow } = await holdTheUploadSlot();
  try {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 x')], { type: 'application/pdf' }), 'x.pdf');
    const r = await fetch(`${h.base}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${eve.accessToken}` }, body: form });
    expect([r.status, ((await r.json()) as any).error.code]).toEqual([404, 'room_not_found']);
  } finally {
    slow.finish();
    await slow.answer;
  }
});
