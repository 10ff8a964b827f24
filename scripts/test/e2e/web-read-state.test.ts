import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/index';
import { apiAs, loginInBrowser, registerInBrowser, shot, startBrowserStack, type BrowserStack } from '../support/browser';

/**
 * Issue 12 in real Chromium, as two people against the real stack through the gateway: Bob's room list shows
 * exact unread counts with mentions highlighted, the title and favicon carry the total, opening a room shows the
 * "new messages" line at the first unread and clears the badge on his other device within a second, "jump to
 * first unread" reaches a line beyond the first page, and "mark all read" clears everything.
 * Screenshots go to test-artifacts/web-client/.
 */
let running: BrowserStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  running = await startBrowserStack('webread', { edges: 2, env: { COMMAND_API_SENDS_PER_SECOND: '200' } });
  ({ stack, browser } = running);
}, 180_000);

afterAll(() => running?.stop());


const register = (page: Page, name: string) => registerInBrowser(page, running.gatewayUrl, name);

const login = (page: Page, username: string) => loginInBrowser(page, running.gatewayUrl, username);

const api = (page: Page, method: string, path: string, body?: unknown) => apiAs(page, running.gatewayUrl, method, path, body);

const link = (page: Page, roomId: string) => page.locator(`[data-testid="room-link"][data-room-id="${roomId}"]`);
const counts = async (page: Page, roomId: string) => ({ unread: await link(page, roomId).getAttribute('data-unread'), mentions: await link(page, roomId).getAttribute('data-mentions') });

describe('read state in the browser, as two people', () => {
  let alice: Page;
  let bob: Page;
  let bobPhone: Page;
  let bobName: string;
  let general: string;
  let side: string;
  let firstUnread: number;

  it('Bob sees exact counts, the mention highlighted, and the total in the title and favicon', async () => {
    alice = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    bob = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await register(alice, 'Alice');
    bobName = await register(bob, 'Bob');
    const tag = Math.random().toString(36).slice(2, 6);
    general = (await api(alice, 'POST', '/api/rooms', { name: `general-${tag}`, visibility: 'public' })).roomId;
    side = (await api(alice, 'POST', '/api/rooms', { name: `side-${tag}`, visibility: 'public' })).roomId;
    await api(bob, 'POST', `/api/rooms/${general}/join`);
    await api(bob, 'POST', `/api/rooms/${side}/join`);
    await expect.poll(() => link(bob, side).count(), { timeout: 10_000 }).toBe(1);

    firstUnread = (await api(alice, 'POST', `/api/rooms/${general}/messages`, { clientMsgId: 'g1', text: 'good morning' })).seq;
    await api(alice, 'POST', `/api/rooms/${general}/messages`, { clientMsgId: 'g2', text: `@${bobName} can you look at this?` });
    await api(alice, 'POST', `/api/rooms/${general}/messages`, { clientMsgId: 'g3', text: 'thanks!' });
    await api(alice, 'POST', `/api/rooms/${side}/messages`, { clientMsgId: 's1', text: 'side note' });
    await api(alice, 'POST', `/api/rooms/${side}/messages`, { clientMsgId: 's2', text: 'another one' });

    await expect.poll(() => counts(bob, general), { timeout: 10_000 }).toEqual({ unread: '3', mentions: '1' });
    await expect.poll(() => counts(bob, side)).toEqual({ unread: '2', mentions: '0' });
    expect(await link(bob, general).getAttribute('class')).toContain('room-link--mention');
    expect(await link(bob, side).getAttribute('class')).not.toContain('room-link--mention');
    expect(await link(bob, general).getByTestId('unread-badge').textContent()).toBe('@3(3 unread, 1 mentioning you)');
    // Drawn as a badge (the mention colour), as a person sees it, not only present in the DOM.
    expect(await link(bob, general).getByTestId('unread-badge').evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundColor)).toBe('rgb(217, 63, 11)');
    await expect.poll(() => bob.title()).toBe('(@5) Natter');
    expect(await bob.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    // Counts survive a reload (they are the server's, not this tab's).
    await bob.reload();
    await expect.poll(() => counts(bob, general), { timeout: 10_000 }).toEqual({ unread: '3', mentions: '1' });
    await shot(bob, 'read-state-badges');
  }, 120_000);

  it('opening the room shows the new-messages line at the first unread; his phone clears the badge within a second', async () => {
    bobPhone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })).newPage();
    await login(bobPhone, bobName);
    await expect.poll(() => counts(bobPhone, general), { timeout: 10_000 }).toEqual({ unread: '3', mentions: '1' });

    await link(bob, general).click();
    const line = bob.getByTestId('new-messages-line');
    await line.waitFor();
    // The line sits right before Alice's first unread message.
    const next = bob.locator('[data-testid="new-messages-line"] + * [data-testid="message"], [data-testid="new-messages-line"] + [data-testid="message"]').first();
    expect(await next.getAttribute('data-seq')).toBe(String(firstUnread));
    // The room opens at its newest message, whole on screen (what the read marker then says was read): the
    // line added once the counts arrived must not push it below the composer.
    const newestOnScreen = () =>
      bob.evaluate(() => {
        const doc = (globalThis as any).document;
        const list = doc.querySelector('.timeline');
        const items = list.querySelectorAll('[data-testid="message"]');
        const [box, last] = [list.getBoundingClientRect(), items[items.length - 1].getBoundingClientRect()];
        return last.top >= box.top && last.bottom <= box.bottom + 1;
      });
    await expect.poll(newestOnScreen, { timeout: 5000 }).toBe(true);
    // The line is on screen: no "Jump to first unread" to it.
    await expect.poll(() => bob.getByTestId('jump-to-unread').count(), { timeout: 5000 }).toBe(0);
    await shot(bob, 'read-state-new-messages-line');
    // Read on the desktop: the phone's badge goes, within a second of the desktop's.
    await expect.poll(() => counts(bob, general), { timeout: 5000 }).toEqual({ unread: '0', mentions: '0' });
    const t0 = Date.now();
    await expect.poll(() => counts(bobPhone, general), { timeout: 1000, interval: 50 }).toEqual({ unread: '0', mentions: '0' });
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect.poll(() => bob.title()).toBe('(2) Natter');

    // And the other way: the phone opens the side room, the desktop's badge clears.
    await link(bobPhone, side).click();
    await bobPhone.getByTestId('new-messages-line').waitFor();
    await shot(bobPhone, 'read-state-phone-room');
    await expect.poll(() => counts(bob, side), { timeout: 2000, interval: 50 }).toEqual({ unread: '0', mentions: '0' });
    await expect.poll(() => bob.title()).toBe('Natter');
  }, 120_000);

  it('jump to first unread reaches a line beyond the first page; mark all read clears everything', async () => {
    await bob.goto(`${stack.gatewayUrl}/`);
    await bobPhone.goto(`${stack.gatewayUrl}/`);
    let first = 0;
    for (let i = 0; i < 70; i++) {
      const r = await api(alice, 'POST', `/api/rooms/${side}/messages`, { clientMsgId: `bulk-${i}`, text: `bulk message ${i}` });
      if (i === 0) first = r.seq;
    }
    await api(alice, 'POST', `/api/rooms/${general}/messages`, { clientMsgId: 'g4', text: '@room lunch?' });
    await expect.poll(() => counts(bob, side), { timeout: 10_000 }).toEqual({ unread: '70', mentions: '0' });
    await expect.poll(() => counts(bob, general)).toEqual({ unread: '1', mentions: '1' });

    await link(bob, side).click();
    await bob.getByTestId('jump-to-unread').click();
    const line = bob.getByTestId('new-messages-line');
    await line.waitFor({ timeout: 10_000 });
    await expect.poll(() => line.isVisible()).toBe(true);
    const next = bob.locator('[data-testid="new-messages-line"] + * [data-testid="message"], [data-testid="new-messages-line"] + [data-testid="message"]').first();
    expect(await next.getAttribute('data-seq')).toBe(String(first));
    await shot(bob, 'read-state-jump-to-first-unread');

    // The general room is still unread (with a mention); mark all read from the phone clears both devices.
    await expect.poll(() => counts(bobPhone, general), { timeout: 5000 }).toEqual({ unread: '1', mentions: '1' });
    await bobPhone.getByTestId('mark-all-read').click();
    await expect.poll(() => counts(bobPhone, general), { timeout: 5000 }).toEqual({ unread: '0', mentions: '0' });
    await expect.poll(() => counts(bob, general), { timeout: 2000 }).toEqual({ unread: '0', mentions: '0' });
    await expect.poll(() => bob.title()).toBe('Natter');
    await expect.poll(() => bobPhone.getByTestId('mark-all-read').count()).toBe(0);
    await shot(bobPhone, 'read-state-all-read-phone');
  }, 120_000);
});
