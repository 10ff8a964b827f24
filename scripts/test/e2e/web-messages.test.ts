import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { repoRoot } from '../../src/stack/service-process';
import { apiAs, registerInBrowser, testPassword } from '../support/browser';
import { shortXssVectors, xssVectors } from './xss-vectors';

/**
 * Issue 10 in real Chromium, as two people: Alice on a desktop, Bob on a 375 px phone (touch), against the real
 * stack through the gateway. Reactions, edits (menu and Up arrow), "(edited)" and its history, threads (side
 * pane / bottom sheet, "also send to room"), pins, deletes, Markdown, emoji and @-autocomplete; then the OWASP
 * XSS cheat-sheet vectors through every field people type. Screenshots go to test-artifacts/web-client/.
 */
const artifacts = join(repoRoot, 'test-artifacts', 'web-client');
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-webmsg-'))]);
  await mkdir(artifacts, { recursive: true });
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }), env: { COMMAND_API_SENDS_PER_SECOND: '200' } });
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

/** Any script a vector manages to run, any dialog it opens: recorded per page (and must stay empty). */
const ran = new Map<Page, string[]>();

async function open(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  const log: string[] = [];
  ran.set(page, log);
  page.on('dialog', (d) => {
    log.push(`dialog ${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  // Vectors that get to run set window.__xss (the others alert): either way it is recorded.
  await page.addInitScript("Object.defineProperty(window, '__xss', { set: (v) => console.error('XSS RAN ' + String(v)), configurable: true });");
  page.on('console', (m) => {
    if (m.text().startsWith('XSS RAN')) log.push(m.text());
    else if (m.type() === 'error') console.warn(`[browser] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.warn(`[browser] ${e.message}`));
  return page;
}

const register = (page: Page, name: string) => registerInBrowser(page, stack.gatewayUrl!, name);
const api = (page: Page, method: string, path: string, body?: unknown) => apiAs(page, stack.gatewayUrl!, method, path, body);

const row = (page: Page, text: string) => page.locator('.timeline [data-testid="message"][data-status="sent"]').filter({ hasText: text }).last();
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });

/** A long press on a phone: a touch pointer held down past the long-press delay. */
async function longPress(page: Page, selector: ReturnType<Page['locator']>) {
  const box = (await selector.boundingBox())!;
  const at = { pointerType: 'touch', isPrimary: true, bubbles: true, clientX: box.x + 20, clientY: box.y + 10 };
  await selector.dispatchEvent('pointerdown', at);
  await page.waitForTimeout(700); // longer than the 500 ms the client waits for
  await selector.dispatchEvent('pointerup', at);
}

describe('messages people work with, in the browser as two people', () => {
  let aliceCtx: BrowserContext;
  let bobCtx: BrowserContext;
  let alice: Page;
  let bob: Page;
  let bobName: string;
  let roomName: string;
  let roomUrl: string;

  it('set up: Alice (desktop) creates a room, Bob (phone) joins', async () => {
    aliceCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    bobCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    [alice, bob] = [await open(aliceCtx), await open(bobCtx)];
    await register(alice, 'Alice');
    bobName = await register(bob, 'Bob');
    roomName = `team-${Math.random().toString(36).slice(2, 6)}`;
    await alice.goto(`${stack.gatewayUrl}/new-room`);
    await alice.getByLabel('Room name').fill(roomName);
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.waitForURL(/\/rooms\//);
    roomUrl = alice.url();
    await bob.goto(roomUrl);
    await bob.getByRole('button', { name: 'Join room' }).click();
    await bob.getByLabel(`Message #${roomName}`).waitFor();
  });

  it('Markdown, emoji shortcodes and an @-mention completed from the room members', async () => {
    const box = alice.getByLabel(`Message #${roomName}`);
    await box.click();
    await box.pressSequentially(`hey @${bobName.slice(0, 4)}`);
    const option = alice.getByRole('option', { name: new RegExp(`@${bobName}`) });
    await option.waitFor();
    await shot(alice, 'desktop-mention-autocomplete');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe(`hey @${bobName} `);
    await box.pressSequentially('**bold** *italic* `code` :tada: see https://example.org/docs');
    await box.press('Enter');
    const msg = row(bob, 'bold');
    await msg.waitFor();
    expect(await msg.locator('.message__text strong').textContent()).toBe('bold');
    expect(await msg.locator('.message__text em').textContent()).toBe('italic');
    expect(await msg.locator('.message__text code').textContent()).toBe('code');
    expect(await msg.locator('.message__text .emoji').textContent()).toBe('🎉');
    expect(await msg.locator('.mention--me').textContent()).toBe(`@${bobName}`);
    expect(await msg.locator('a').getAttribute('href')).toBe('https://example.org/docs');
    // the emoji picker inserts a shortcode
    await alice.getByRole('button', { name: 'Insert emoji' }).click();
    await alice.getByRole('dialog', { name: 'Insert an emoji' }).getByRole('button', { name: 'rocket', exact: true }).click();
    await expect.poll(() => box.inputValue()).toBe(':rocket:');
    await box.press('Enter');
    await row(bob, '🚀').waitFor();
  });

  it('reactions: the hover toolbar, chips both see, toggled by what they show, and the picker', async () => {
    const mine = row(alice, 'bold');
    await mine.hover();
    await shot(alice, 'desktop-message-toolbar');
    await mine.getByRole('button', { name: 'React thumbsup' }).click();
    const bobChip = row(bob, 'bold').locator('.reaction[data-emoji="thumbsup"]');
    await expect.poll(() => bobChip.textContent()).toContain('1');
    await bobChip.click();
    await expect.poll(() => row(alice, 'bold').locator('.reaction[data-emoji="thumbsup"]').textContent()).toContain('2');
    expect(await bobChip.getAttribute('aria-pressed')).toBe('true');
    await bobChip.click();
    await expect.poll(() => row(alice, 'bold').locator('.reaction[data-emoji="thumbsup"]').textContent()).toContain('1');
    expect(await bobChip.getAttribute('aria-pressed')).toBe('false');
    await mine.hover();
    await mine.getByRole('toolbar').getByRole('button', { name: 'Add reaction' }).click();
    await alice.getByRole('dialog', { name: 'React with an emoji' }).getByRole('button', { name: 'heart eyes' }).click();
    await row(bob, 'bold').locator('.reaction[data-emoji="heart_eyes"]').waitFor();
  });

  it('edit: Up arrow edits my last message; "(edited)" opens every version', async () => {
    const box = alice.getByLabel(`Message #${roomName}`);
    await box.fill('a message with a tpyo');
    await box.press('Enter');
    await row(alice, 'tpyo').waitFor();
    await box.press('ArrowUp');
    const edit = alice.getByLabel('Edit message');
    await edit.waitFor();
    await shot(alice, 'desktop-inline-edit');
    await edit.fill('a message without a typo');
    await edit.press('Enter');
    const bobs = row(bob, 'without a typo');
    await bobs.waitFor();
    await bobs.getByRole('button', { name: '(edited)' }).click();
    const dialog = bob.getByRole('dialog', { name: 'Edit history' });
    await expect.poll(() => dialog.getByTestId('version').count()).toBe(2);
    expect(await dialog.getByTestId('version').allTextContents()).toEqual([expect.stringContaining('a message with a tpyo'), expect.stringContaining('a message without a typo')]);
    await shot(bob, 'phone-edit-history');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('threads: Bob long-presses, replies in the bottom sheet; Alice sees the count, answers in the side pane, also to the room', async () => {
    const root = row(bob, 'bold');
    await longPress(bob, root.locator('.message__text'));
    const menu = bob.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor();
    await shot(bob, 'phone-message-menu');
    await menu.getByRole('menuitem', { name: 'Reply in thread' }).click();
    const sheet = bob.getByTestId('thread');
    await sheet.getByLabel('Reply in thread').fill('a reply from my phone');
    await sheet.getByLabel('Reply in thread').press('Enter');
    await sheet.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'a reply from my phone' }).waitFor({ timeout: 10_000 }).catch(async (e) => {
      await shot(bob, 'debug-phone-thread');
      throw e;
    });
    await shot(bob, 'phone-thread');
    await sheet.getByRole('button', { name: 'Close' }).click();

    const summary = row(alice, 'bold').locator('.message__thread');
    await expect.poll(() => summary.textContent()).toContain('1 reply');
    expect(await alice.locator('.timeline').getByText('a reply from my phone').count()).toBe(0);
    await summary.click();
    const pane = alice.getByTestId('thread');
    await pane.getByText('a reply from my phone').waitFor();
    await pane.getByLabel('Also send to the room').check();
    await pane.getByLabel('Reply in thread').fill('answered, and the room should know');
    await pane.getByLabel('Reply in thread').press('Enter');
    await pane.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'the room should know' }).waitFor();
    await shot(alice, 'desktop-thread');
    // The hover toolbar in the narrow thread pane leaves the author and the time readable.
    const answered = pane.locator('[data-testid="message"]').filter({ hasText: 'the room should know' });
    await answered.hover();
    const toolbar = answered.getByRole('toolbar', { name: 'Message actions' });
    await toolbar.waitFor();
    const bar = (await toolbar.boundingBox())!;
    for (const part of ['.message__author', '.message__time']) {
      const box = (await answered.locator(part).boundingBox())!;
      const overlaps = bar.x < box.x + box.width && box.x < bar.x + bar.width && bar.y < box.y + box.height && box.y < bar.y + bar.height;
      expect(overlaps, `${part} under the toolbar`).toBe(false);
    }
    await shot(alice, 'desktop-thread-hover');
    const alsoInRoom = row(bob, 'the room should know');
    await alsoInRoom.waitFor();
    expect(await alsoInRoom.getByText('replied in a thread').count()).toBe(1);
    await expect.poll(() => row(bob, 'bold').locator('.message__thread').textContent()).toContain('2 replies');
  });

  it('pins: Alice pins from the menu; Bob sees it in the pinned list', async () => {
    const mine = row(alice, 'without a typo');
    await mine.hover();
    await mine.getByRole('button', { name: 'More actions' }).click();
    await alice.getByRole('menuitem', { name: 'Pin' }).click();
    await row(bob, 'without a typo').locator('.badge--pin').waitFor();
    await bob.getByRole('button', { name: 'Pinned messages' }).click();
    const list = bob.getByRole('list', { name: 'Pinned messages' });
    await list.getByText('a message without a typo').waitFor();
    await shot(bob, 'phone-pinned');
    await bob.getByRole('button', { name: 'Pinned messages' }).click();
    await alice.getByRole('button', { name: 'Pinned messages' }).click();
    await alice.getByRole('list', { name: 'Pinned messages' }).getByText('a message without a typo').waitFor();
    await shot(alice, 'desktop-pinned');
    await alice.getByRole('button', { name: 'Pinned messages' }).click();
  });

  it('settings: Alice lets every member pin; Bob can then pin from his phone; a mention of an outsider is reported', async () => {
    await alice.getByRole('button', { name: 'Room settings' }).click();
    const panel = alice.getByRole('complementary', { name: 'Room settings' });
    const messages = panel.getByRole('region', { name: 'Message settings' });
    await messages.getByLabel('Every member may pin messages').check();
    await messages.getByRole('button', { name: 'Save' }).click();
    await messages.getByText('Saved.').waitFor();
    await shot(alice, 'desktop-room-settings');
    await panel.getByRole('button', { name: 'Close' }).first().click();
    // Bob's menu offers Pin once the settings reached him (a live RoomSettingsUpdated)
    await expect
      .poll(async () => {
        await longPress(bob, row(bob, '🚀').locator('.message__text'));
        const menu = bob.getByRole('menu', { name: 'Message actions' });
        const can = await menu.getByRole('menuitem', { name: 'Pin' }).count();
        await bob.locator('.sheet-backdrop').click();
        return can;
      }, { timeout: 15_000 })
      .toBe(1);
    await longPress(bob, row(bob, '🚀').locator('.message__text'));
    await bob.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Pin' }).click();
    await row(alice, '🚀').locator('.badge--pin').waitFor();

    const outsider = `carol_${Math.random().toString(36).slice(2, 7)}`;
    const reg = await fetch(`${stack.gatewayUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: outsider, email: `${outsider}@example.test`, password: testPassword, displayName: 'Carol' }),
    });
    expect(reg.status).toBe(201);
    // Mentions are resolved against the read model: wait until it has Carol (a loaded machine projects late).
    const carol = (await reg.json()) as { accessToken: string; seq: number };
    const known = await fetch(`${stack.gatewayUrl}/api/me?minSeq=${carol.seq}`, { headers: { authorization: `Bearer ${carol.accessToken}` } });
    expect(known.status).toBe(200);
    const box = alice.getByLabel(`Message #${roomName}`);
    await box.fill(`@${outsider} can you see this?`);
    await box.press('Enter');
    await alice.getByText(`@${outsider} is not in this room and will not be notified.`).waitFor();
  });

  it('delete: a tombstone for both, the text gone', async () => {
    const box = alice.getByLabel(`Message #${roomName}`);
    await box.fill('regrettable message');
    await box.press('Enter');
    await row(bob, 'regrettable').waitFor();
    const mine = row(alice, 'regrettable');
    const seq = await mine.getAttribute('data-seq');
    await mine.hover();
    await mine.getByRole('button', { name: 'More actions' }).click();
    await alice.getByRole('menuitem', { name: 'Delete…' }).click();
    await alice.getByRole('menuitem', { name: 'Delete', exact: true }).click();
    const gone = bob.locator(`[data-testid="message"][data-seq="${seq}"]`);
    await expect.poll(() => gone.getAttribute('data-deleted')).toBe('true');
    expect(await gone.textContent()).toContain('Message deleted');
    expect(await bob.getByText('regrettable').count()).toBe(0);
    await shot(bob, 'phone-messages');
    await shot(alice, 'desktop-messages');
  });

  it('the OWASP XSS vectors through every field: nothing runs, no HTML is made, no javascript: link', async () => {
    const roomId = roomUrl.split('/rooms/')[1];
    // Messages (Markdown included), an edit, a thread reply, a pin, display names, a room name and topic.
    const seqs: number[] = [];
    for (const [i, text] of xssVectors.entries()) seqs.push((await api(alice, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `xss-${i}`, text })).seq);
    const edited = (await api(alice, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'xss-edit', text: 'to be edited into a vector' })).seq;
    await api(alice, 'PATCH', `/api/rooms/${roomId}/messages/${edited}`, { clientOpId: 'xss-edit-1', text: xssVectors[2] });
    await api(alice, 'PATCH', `/api/rooms/${roomId}/messages/${edited}`, { clientOpId: 'xss-edit-2', text: xssVectors[12] });
    await api(bob, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'xss-reply', text: xssVectors[1], threadRootSeq: edited });
    await api(alice, 'POST', `/api/rooms/${roomId}/messages/${edited}/pin`, { clientOpId: 'xss-pin' });
    await api(alice, 'POST', `/api/rooms/${roomId}/messages/${edited}/react`, { clientOpId: 'xss-react', emoji: 'eyes' });
    await api(alice, 'PATCH', '/api/me', { displayName: shortXssVectors[0] });
    await api(bob, 'PATCH', '/api/me', { displayName: shortXssVectors[1] });
    const evil = await api(alice, 'POST', '/api/rooms', { name: shortXssVectors[2], topic: xssVectors[0], visibility: 'public' });
    await api(bob, 'POST', `/api/rooms/${evil.roomId}/join`);

    const checks = async (page: Page, where: string) => {
      const found = await page.evaluate(`(() => {
        const root = document.getElementById('root');
        const all = [...root.querySelectorAll('*')];
        const textOnly = [...root.querySelectorAll('.markdown *, .message__author *, .room__title h1 *, .room__topic *, .members__name *, .versions__meta *')];
        const allowed = new Set(['P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A', 'SPAN', 'TIME']);
        return {
          // (the one image the app has: its own logo in the top bar)
          dangerous: [...root.querySelectorAll('script, iframe, object, embed, img, style, link, meta, base, form[action], input[type=image], details, table, video, audio')]
            .filter((e) => !(e.tagName === 'IMG' && e.closest('.topbar') && e.getAttribute('src') === '/icons/icon.svg'))
            .map((e) => e.outerHTML.slice(0, 120)),
          handlers: all.flatMap((e) => [...e.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => e.tagName + ' ' + a.name)),
          badUrls: all.flatMap((e) => [...e.attributes].filter((a) => /^\s*(javascript|vbscript|data):/i.test(a.value)).map((a) => e.tagName + ' ' + a.name + '=' + a.value)),
          badLinks: [...root.querySelectorAll('a[href]')].map((a) => a.href).filter((h) => !/^(https?:|mailto:)/.test(h)),
          unexpectedTags: [...new Set(textOnly.map((e) => e.tagName).filter((t) => !allowed.has(t)))],
        };
      })()`);
      expect(found, where).toEqual({ dangerous: [], handlers: [], badUrls: [], badLinks: [], unexpectedTags: [] });
      expect(ran.get(page), where).toEqual([]);
    };

    for (const [page, name] of [[alice, 'desktop'], [bob, 'phone']] as const) {
      await page.goto(roomUrl);
      const log = page.getByRole('log');
      await row(page, 'vbscript:msgbox(1)').waitFor();
      while (await page.getByRole('button', { name: 'Load older messages' }).isVisible()) {
        await page.getByRole('button', { name: 'Load older messages' }).click();
        await page.waitForTimeout(200);
      }
      // the vectors are there, as text
      for (const v of [xssVectors[3], xssVectors[20], '[click me](javascript:alert(1))']) {
        expect(await log.locator('.message__text').filter({ hasText: v.split('\n')[0] }).count(), v).toBeGreaterThan(0);
      }
      await checks(page, `${name}: the room`);
      await page.screenshot({ path: join(artifacts, `${name}-xss.png`) });
      // the edit history, the thread, the pinned list, the members, the other room
      await row(page, 'onerror').first().waitFor();
      await page.locator(`[data-testid="message"][data-seq="${edited}"] .message__edited`).click();
      await page.getByRole('dialog', { name: 'Edit history' }).getByTestId('version').nth(2).waitFor();
      await checks(page, `${name}: edit history`);
      await page.getByRole('dialog', { name: 'Edit history' }).getByRole('button', { name: 'Close' }).click();
      await page.locator(`[data-testid="message"][data-seq="${edited}"] .message__thread`).click();
      await page.getByTestId('thread').getByText('svg/onload=').first().waitFor();
      await checks(page, `${name}: thread`);
      await page.getByTestId('thread').getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Pinned messages' }).click();
      await page.getByRole('list', { name: 'Pinned messages' }).locator('[data-testid="message"]').first().waitFor();
      await checks(page, `${name}: pinned`);
      await page.getByRole('button', { name: 'Pinned messages' }).click();
      await page.getByRole('button', { name: /^Members/ }).click();
      const panel = page.getByRole('complementary', { name: 'Members' });
      await panel.getByText(shortXssVectors[1]).first().waitFor();
      await checks(page, `${name}: members`);
      await panel.getByRole('button', { name: 'Close' }).click();
      await page.goto(`${stack.gatewayUrl}/rooms/${evil.roomId}`);
      await page.getByRole('heading', { name: `#${shortXssVectors[2]}` }).waitFor();
      await checks(page, `${name}: a room named with a vector`);
    }
  });
});
