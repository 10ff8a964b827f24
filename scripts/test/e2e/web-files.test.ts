import { type Browser, type BrowserContext, type JSHandle, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/index';
import { registerInBrowser, shot, startBrowserStack, type BrowserStack } from '../support/browser';

/**
 * Issue 13 in real Chromium: Alice (desktop) drops a photo and a PDF on the composer, pastes an image, cancels
 * a slow upload and sees a refused one; Bob (phone) sees the thumbnail, opens the lightbox, sees the PDF's
 * card; deleting the message takes its files away. Against the real stack through the gateway. Screenshots
 * go to test-artifacts/web-client/.
 */
let running: BrowserStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  running = await startBrowserStack('webfiles', { edges: 1 });
  ({ stack, browser } = running);
}, 180_000);

afterAll(() => running?.stop());

async function open(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.warn(`[browser] ${e.message}`));
  return page;
}

const register = (page: Page, name: string) => registerInBrowser(page, running.gatewayUrl, name);

/** A DataTransfer holding files made from bytes, as a drag from the desktop or a paste would carry them. */
function filesTransfer(page: Page, files: { name: string; type: string; bytes: Buffer }[]): Promise<JSHandle<unknown>> {
  return page.evaluateHandle((fs) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- browser globals (this file is typed for Node)
    const w = globalThis as any;
    const dt = new w.DataTransfer();
    for (const f of fs) dt.items.add(new w.File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, files.map((f) => ({ name: f.name, type: f.type, bytes: [...f.bytes] })));
}

/** The part of an <img> the checks read (this file is typed for Node, without the DOM's types). */
type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };
const messageWith = (page: Page, text: string) => page.locator('.timeline [data-testid="message"][data-status="sent"]').filter({ hasText: text }).last();

describe('files in the browser', () => {
  let aliceCtx: BrowserContext;
  let bobCtx: BrowserContext;
  let alice: Page;
  let bob: Page;
  let roomName: string;

  it('set up: Alice (desktop) creates a room, Bob (phone) joins', async () => {
    aliceCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    bobCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    [alice, bob] = [await open(aliceCtx), await open(bobCtx)];
    await register(alice, 'Alice');
    await register(bob, 'Bob');
    roomName = `files-${Math.random().toString(36).slice(2, 6)}`;
    await alice.goto(`${stack.gatewayUrl}/new-room`);
    await alice.getByLabel('Room name').fill(roomName);
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.waitForURL(/\/rooms\//);
    await bob.goto(alice.url());
    await bob.getByRole('button', { name: 'Join room' }).click();
    await bob.getByLabel(`Message #${roomName}`).waitFor();
  });

  it('drag and drop a photo and a PDF: previews and progress, then a message Bob sees with a thumbnail and a card', async () => {
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .composite([{ input: await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 250, g: 200, b: 40 } } }).png().toBuffer(), top: 200, left: 400 }])
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretCam' } })
      .toBuffer();
    const pdf = Buffer.from('%PDF-1.4\n% a small document\n');
    const dt = await filesTransfer(alice, [{ name: 'beach.jpg', type: 'image/jpeg', bytes: photo }, { name: 'itinerary.pdf', type: 'application/pdf', bytes: pdf }]);
    const composer = alice.getByTestId('composer');
    await composer.dispatchEvent('dragover', { dataTransfer: dt });
    await composer.dispatchEvent('drop', { dataTransfer: dt });
    const pending = alice.getByTestId('pending-upload');
    await expect.poll(() => pending.count()).toBe(2);
    await expect.poll(() => alice.locator('[data-testid="pending-upload"][data-status="done"]').count(), { timeout: 15_000 }).toBe(2);
    await shot(alice, 'desktop-files-ready');
    const box = alice.getByLabel(`Message #${roomName}`);
    await box.fill('photos from the trip');
    await box.press('Enter');
    await expect.poll(() => pending.count()).toBe(0);

    const msg = messageWith(bob, 'photos from the trip');
    await msg.waitFor();
    const thumb = msg.getByTestId('attachment-thumb');
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((img: Img) => img.complete && img.naturalWidth)).toBe(400);
    expect(await thumb.evaluate((img: Img) => img.naturalHeight)).toBe(267);
    const card = msg.getByTestId('attachment-card');
    await expect.poll(() => card.textContent()).toContain('itinerary.pdf');
    expect(await card.textContent()).toContain('application/pdf');
    await msg.scrollIntoViewIfNeeded();
    await shot(bob, 'phone-files-message');

    // The lightbox shows the full image; Escape closes it.
    await msg.getByRole('button', { name: 'Open image beach.jpg' }).click();
    const full = bob.getByTestId('lightbox').locator('img');
    await expect.poll(() => full.evaluate((img: Img) => img.complete && img.naturalWidth)).toBe(1200);
    await shot(bob, 'phone-files-lightbox');
    await bob.keyboard.press('Escape');
    await expect.poll(() => bob.getByTestId('lightbox').count()).toBe(0);
  });

  it('paste an image into the composer; a message of files alone', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 200, g: 30, b: 90, alpha: 1 } } }).png().toBuffer();
    const dt = await filesTransfer(alice, [{ name: 'image.png', type: 'image/png', bytes: png }]);
    const box = alice.getByLabel(`Message #${roomName}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- browser globals
    await box.evaluate((el, data) => el.dispatchEvent(new (globalThis as any).ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })), dt);
    await expect.poll(() => alice.locator('[data-testid="pending-upload"][data-status="done"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await box.inputValue()).toBe('');
    await alice.getByRole('button', { name: 'Send' }).click();
    const last = bob.locator('.timeline [data-testid="message"][data-status="sent"]').last();
    const thumb = last.getByTestId('attachment-thumb');
    await expect.poll(() => thumb.evaluate((img: Img) => img.complete && img.naturalWidth).catch(() => 0), { timeout: 10_000 }).toBe(300);
  });

  it('a slow upload shows its progress and can be cancelled; a refused one says why', async () => {
    const cdp = await aliceCtx.newCDPSession(alice);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    const input = alice.getByTestId('file-input');
    await input.setInputFiles({ name: 'archive.bin', mimeType: 'application/octet-stream', buffer: big });
    const bar = alice.getByRole('progressbar', { name: 'Uploading archive.bin' });
    await bar.waitFor();
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('value'))).toBeLessThan(big.length);
    await shot(alice, 'desktop-files-progress');
    await alice.getByRole('button', { name: 'Cancel upload of archive.bin' }).click();
    await expect.poll(() => alice.getByTestId('pending-upload').count()).toBe(0);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await input.setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    const failed = alice.locator('[data-testid="pending-upload"][data-status="failed"]');
    await failed.waitFor();
    // in a person's words (the API's text says "checked by content, not by name")
    expect(await failed.textContent()).toMatch(/This file is not what its name or type says \(files are checked by their content\)\./);
    // sending the same bytes again cannot pass: Remove, no Retry
    expect(await failed.getByRole('button', { name: 'Remove cat.png' }).count()).toBe(1);
    expect(await alice.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await shot(alice, 'desktop-files-refused');
    await alice.getByRole('button', { name: 'Remove cat.png' }).click();
    await expect.poll(() => alice.getByTestId('pending-upload').count()).toBe(0);
  });

  it('a picture set on the profile page shows beside the name, for others too', async () => {
    const roomUrl = alice.url();
    await alice.goto(`${stack.gatewayUrl}/profile`);
    const face = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 20, g: 160, b: 90 } } })
      .composite([{ input: await sharp({ create: { width: 200, height: 200, channels: 3, background: '#fff' } }).png().toBuffer(), top: 100, left: 200 }])
      .jpeg()
      .toBuffer();
    await alice.getByRole('button', { name: 'Change picture' }).or(alice.getByText('Change picture')).first().waitFor();
    expect(await alice.getByRole('button', { name: 'Remove picture' }).count()).toBe(0); // nothing to remove yet
    await alice.locator('#picture-input').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: face });
    const mine = alice.locator('.profile-card [data-testid="avatar"] img');
    await expect.poll(() => mine.evaluate((img: Img) => img.complete && img.naturalWidth).catch(() => 0), { timeout: 10_000 }).toBe(256);
    await alice.getByRole('button', { name: 'Remove picture' }).waitFor();
    await shot(alice, 'desktop-profile-picture');
    await alice.goto(roomUrl);
    // Bob's page asks only for pictures that exist: the member list says who has one (no 404 per person).
    const asked: number[] = [];
    const onResponse = (r: { url(): string; status(): number }) => {
      if (/\/api\/users\/[^/]+\/avatar$/.test(r.url())) asked.push(r.status());
    };
    bob.on('response', onResponse);
    await bob.reload();
    const onBob = messageWith(bob, 'photos from the trip').locator('[data-testid="avatar"] img');
    await expect.poll(() => onBob.evaluate((img: Img) => img.complete && img.naturalWidth).catch(() => 0), { timeout: 10_000 }).toBe(256);
    await bob.getByRole('button', { name: /^Members \(/ }).click(); // both people's avatars on screen
    await bob.locator('#members-panel [data-testid="member"]').nth(1).waitFor();
    bob.off('response', onResponse);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((s) => s !== 200)).toEqual([]);
    await shot(bob, 'phone-files-avatar');
  });

  it('deleting the message takes its files away for everyone', async () => {
    const msg = messageWith(alice, 'photos from the trip');
    await msg.hover();
    await msg.getByRole('button', { name: 'More actions' }).click();
    await alice.getByRole('menuitem', { name: 'Delete…' }).click();
    await alice.getByRole('menuitem', { name: 'Delete', exact: true }).click();
    const onBob = bob.locator('.timeline [data-testid="message"][data-deleted="true"]').first();
    await onBob.waitFor();
    expect(await onBob.getByTestId('attachments').count()).toBe(0);
    await shot(bob, 'phone-files-deleted');
  });
});
