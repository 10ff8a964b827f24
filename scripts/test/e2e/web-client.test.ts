import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { repoRoot } from '../../src/stack/service-process';
import { registerInBrowser } from '../support/browser';

/**
 * Two people chatting in real Chromium (Debian's, driven by playwright-core) against the real stack through
 * the gateway. Screenshots of the main screens at desktop and phone widths go to test-artifacts/web-client/.
 */
const artifacts = join(repoRoot, 'test-artifacts', 'web-client');
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-web-'))]);
  await mkdir(artifacts, { recursive: true });
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }) });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});


async function register(ctx: BrowserContext, name: string): Promise<Page> {
  const page = await ctx.newPage();
  await registerInBrowser(page, stack.gatewayUrl!, name);
  return page;
}

const sentTexts = (page: Page) =>
  page.locator('[data-testid="message"][data-status="sent"]').evaluateAll((els) =>
    els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), text: e.querySelector('.message__text')?.textContent ?? e.textContent ?? '' })),
  );

async function send(page: Page, roomName: string, text: string) {
  const box = page.getByLabel(`Message #${roomName}`);
  await box.fill(text);
  await box.press('Enter');
}

async function waitForTexts(page: Page, texts: string[], timeout = 15_000) {
  await expect
    .poll(async () => {
      const all = (await sentTexts(page)).map((m) => m.text);
      return texts.every((t) => all.some((a) => a.includes(t)));
    }, { timeout })
    .toBe(true);
}

describe('the web client in a real browser', () => {
  let aliceCtx: BrowserContext;
  let bobCtx: BrowserContext;
  let alice: Page;
  let bob: Page;
  const room = `lounge-${Math.random().toString(36).slice(2, 6)}`;
  let roomUrl: string;

  it('two people register, create and join a room, and talk', async () => {
    aliceCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    bobCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    alice = await register(aliceCtx, 'alice');
    bob = await register(bobCtx, 'bob');
    await alice.screenshot({ path: join(artifacts, 'desktop-welcome.png') });

    await alice.goto(`${stack.gatewayUrl}/new-room`);
    await alice.getByLabel('Room name').fill(room);
    await alice.getByLabel('Topic (optional)').fill('where we talk');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.waitForURL(/\/rooms\//);
    roomUrl = alice.url();

    await bob.goto(roomUrl);
    await bob.getByRole('button', { name: 'Join room' }).click();
    await bob.getByLabel(`Message #${room}`).waitFor();

    await send(alice, room, 'hi bob, welcome');
    await waitForTexts(bob, ['hi bob, welcome']);
    await send(bob, room, 'thanks alice <b>not bold</b>');
    await waitForTexts(alice, ['hi bob, welcome', 'thanks alice <b>not bold</b>']);
    // user text is text: the tag shows literally, no element was created from it
    expect(await alice.locator('[data-testid="message"] b').count()).toBe(0);

    const a = await sentTexts(alice);
    const b = await sentTexts(bob);
    expect(a.map((m) => m.seq)).toEqual(b.map((m) => m.seq));
    expect(a.map((m) => m.seq)).toEqual([...a.map((m) => m.seq)].sort((x, y) => x - y));
    await alice.screenshot({ path: join(artifacts, 'desktop-room.png') });
    await bob.screenshot({ path: join(artifacts, 'phone-room.png') });
  });

  it('after a reload the whole conversation is there', async () => {
    const before = await sentTexts(bob);
    await bob.reload();
    await waitForTexts(bob, before.map((m) => m.text));
    expect(await sentTexts(bob)).toEqual(before);
  });

  it('messages written offline are sent once each, in order, when the connection returns', async () => {
    await bobCtx.setOffline(true);
    await expect.poll(() => bob.locator('[data-testid="connection-status"]').getAttribute('data-status'), { timeout: 15_000 }).not.toBe('online');
    for (const t of ['offline one', 'offline two', 'offline three']) await send(bob, room, t);
    expect(await bob.locator('[data-testid="message"][data-status="pending"]').count()).toBe(3);
    // really offline: the banner says so, and nothing has reached alice
    await bob.getByTestId('connection-banner').waitFor({ timeout: 10_000 });
    expect((await sentTexts(alice)).some((m) => m.text.includes('offline'))).toBe(false);
    await bob.screenshot({ path: join(artifacts, 'phone-offline.png') });
    await bobCtx.setOffline(false);

    await waitForTexts(alice, ['offline one', 'offline two', 'offline three'], 30_000);
    const seen = (await sentTexts(alice)).filter((m) => m.text.includes('offline'));
    expect(seen.map((m) => m.text)).toEqual(['offline one', 'offline two', 'offline three']);
    await waitForTexts(bob, ['offline one', 'offline two', 'offline three'], 30_000);
    expect(await bob.locator('[data-testid="message"][data-status="pending"]').count()).toBe(0);

    // and the server stored each exactly once
    const token = await alice.evaluate<string | null>("localStorage.getItem('natter.auth')"); // the web client's session record
    expect(token).toBeTruthy();
    const roomId = roomUrl.split('/rooms/')[1];
    const access = JSON.parse(token!).accessToken as string;
    // the read model may still be catching up with the last one: ask until it has (it is at most seconds behind)
    const stored = async () => {
      const history = await fetch(`${stack.gatewayUrl}/api/rooms/${roomId}/messages?limit=200`, { headers: { authorization: `Bearer ${access}` } });
      const texts = (((await history.json()) as { messages: unknown[] }).messages as { text: string }[]).map((m) => m.text);
      return texts.filter((t) => t.startsWith('offline'));
    };
    await expect.poll(stored, { timeout: 10_000 }).toEqual(['offline one', 'offline two', 'offline three']);
    await alice.screenshot({ path: join(artifacts, 'desktop-after-offline.png') });
  });

  it('is installable, and opens offline from its service worker showing the cached rooms', async () => {
    const manifest = (await (await fetch(`${stack.gatewayUrl}/manifest.webmanifest`)).json()) as { name: string; display: string; icons: { sizes: string }[] };
    expect(manifest.name).toMatch(/Natter/);
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.some((i: { sizes: string }) => i.sizes.includes('512'))).toBe(true);
    await alice.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await aliceCtx.setOffline(true);
    await alice.reload();
    await alice.getByRole('navigation', { name: 'Rooms' }).getByText(room).waitFor({ timeout: 15_000 });
    await alice.goto(roomUrl);
    await waitForTexts(alice, ['hi bob, welcome', 'offline one', 'offline two', 'offline three']);
    await alice.screenshot({ path: join(artifacts, 'desktop-offline-reload.png') });
    await aliceCtx.setOffline(false);
  });

  it('shows the room list and browse screens at phone width, one screen at a time, and logs out', async () => {
    const width = bob.viewportSize()!.width;
    // Nothing is wider than the phone: no sideways scrolling on any of these screens.
    const fitsWidth = () => bob.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    await bob.goto(`${stack.gatewayUrl}/`);
    // on a phone the room list is the home page: the whole width, and no page beside it
    const rooms = bob.getByRole('navigation', { name: 'Rooms' });
    await rooms.getByText(room).waitFor();
    expect((await rooms.boundingBox())!.width).toBeGreaterThan(width - 2);
    expect(await bob.locator('#main').isVisible()).toBe(false);
    expect(await fitsWidth()).toBe(true);
    await bob.screenshot({ path: join(artifacts, 'phone-rooms.png') });

    // a page replaces the list; bob is in the room already, so it offers to open it, not to join
    await bob.goto(`${stack.gatewayUrl}/browse`);
    const card = bob.getByTestId('public-room').filter({ hasText: room });
    await card.waitFor();
    expect(await rooms.isVisible()).toBe(false);
    // the card can show before the client knows bob's rooms (then it offers Join): wait for what it settles on
    await card.getByRole('link', { name: `Open ${room}` }).waitFor({ state: 'visible', timeout: 10_000 });
    expect((await card.boundingBox())!.width).toBeLessThanOrEqual(width);
    expect(await fitsWidth()).toBe(true);
    await bob.screenshot({ path: join(artifacts, 'phone-browse.png') });

    await bob.getByRole('button', { name: 'Log out' }).click();
    await bob.getByRole('button', { name: 'Log in' }).waitFor();
    // signed out for real: the session is gone from the device and the rooms are no longer reachable
    expect(await bob.evaluate<string | null>("localStorage.getItem('natter.auth')")).toBeNull();
    await bob.goto(`${stack.gatewayUrl}/`);
    await bob.waitForURL(/\/login$/);
    expect(await bob.getByRole('navigation', { name: 'Rooms' }).count()).toBe(0);
    expect(await fitsWidth()).toBe(true);
    await bob.screenshot({ path: join(artifacts, 'phone-login.png') });
  });
});
