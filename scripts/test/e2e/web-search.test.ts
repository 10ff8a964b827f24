import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/index';
import { apiAs, registerInBrowser, shot, startBrowserStack, type BrowserStack } from '../support/browser';

/**
 * Message search (issue 12) in real Chromium against the real stack through the gateway: the search box in the
 * top bar, the results page (room, sender, highlighted snippet), and a click that opens the room at the
 * message in context, far back in its history (older pages loaded to reach it) and marked; a result in a
 * thread opens that thread. Also at phone width. Screenshots go to test-artifacts/web-client/.
 */
let running: BrowserStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  running = await startBrowserStack('websearch', { edges: 1, env: { COMMAND_API_SENDS_PER_SECOND: '1000' } });
  ({ stack, browser } = running);
}, 180_000);

afterAll(() => running?.stop());


const register = (page: Page, name: string) => registerInBrowser(page, running.gatewayUrl, name);

const api = (page: Page, method: string, path: string, body?: unknown) => apiAs(page, running.gatewayUrl, method, path, body);

describe('search in the browser', () => {
  let page: Page;
  let roomId = '';
  let target = 0;
  let reply = 0;
  let root = 0;

  it('set up: a room whose history has the searched message far back, and a reply in a thread', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.warn(`[browser] ${e.message}`));
    await register(page, 'Ada');
    roomId = (await api(page, 'POST', '/api/rooms', { name: 'planning', visibility: 'public' })).roomId;
    let n = 0;
    const say = async (text: string, extra: Record<string, unknown> = {}) => (await api(page, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `w${++n}`, text, ...extra })).seq as number;
    target = await say('The quarterly roadmap review moves to Friday; bring the budget numbers <b>please</b>');
    // 120 later messages: the target is not on the room's newest page (50), so opening it must load older ones.
    for (let i = 0; i < 120; i++) await say(`status update ${i}: nothing to report`);
    root = await say('Who owns the launch checklist?');
    reply = await say('I do: the roadmap items are in the launch checklist too', { threadRootSeq: root });
  }, 120_000);

  it('the search box finds messages and shows highlighted snippets; a click opens the room at the message', async () => {
    await page.goto(`${stack.gatewayUrl}/`);
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('roadmap');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=roadmap/);
    const hits = page.getByTestId('search-hit');
    await expect.poll(() => hits.count(), { timeout: 15_000 }).toBe(2);
    // Highlighted words are marks; the text around them is shown as text (the <b> is not markup).
    const first = hits.filter({ hasText: 'quarterly' });
    await expect.poll(() => first.locator('mark').allTextContents()).toEqual(['roadmap']);
    expect(await first.textContent()).toContain('<b>please</b>');
    expect(await first.locator('b').count()).toBe(0);
    expect(await first.textContent()).toContain('#planning');
    expect(await first.textContent()).toContain('Ada');
    const inThread = hits.filter({ hasText: 'launch checklist' });
    expect(await inThread.textContent()).toContain('in a thread');
    await shot(page, 'search-results-desktop');

    await first.getByRole('link').click();
    await page.waitForURL(new RegExp(`/rooms/${roomId}\\?m=${target}`));
    const msg = page.locator(`[data-testid="message"][data-seq="${target}"]`);
    await msg.waitFor({ timeout: 15_000 });
    await expect.poll(() => msg.getAttribute('data-linked'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => msg.isVisible()).toBe(true);
    // In context: its neighbours (the next status updates) are there too.
    await expect.poll(() => page.locator('[data-testid="message"]').filter({ hasText: 'status update 0:' }).count()).toBe(1);
    const box2 = (await msg.boundingBox())!;
    expect(box2.y).toBeGreaterThan(0);
    expect(box2.y).toBeLessThan(800);
    await shot(page, 'search-jump-desktop');
  }, 60_000);

  it('a result in a thread opens the room with that thread', async () => {
    await page.goBack();
    const hits = page.getByTestId('search-hit');
    await expect.poll(() => hits.count(), { timeout: 15_000 }).toBe(2);
    await hits.filter({ hasText: 'launch checklist' }).getByRole('link').click();
    await page.waitForURL(new RegExp(`thread=${root}`));
    const thread = page.getByTestId('thread');
    await thread.waitFor({ timeout: 15_000 });
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('the roadmap items are in the launch checklist');
    expect(reply).toBeGreaterThan(root);
    await shot(page, 'search-thread-desktop');
  }, 60_000);

  it('filters and bad syntax in the box; at phone width', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('roadmap is:thread');
    await box.press('Enter');
    const hits = page.getByTestId('search-hit');
    await expect.poll(() => hits.count(), { timeout: 15_000 }).toBe(1);
    expect(await hits.first().textContent()).toContain('launch checklist');
    await shot(page, 'search-results-phone');
    await box.fill('roadmap before:someday');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('YYYY-MM-DD');
    await box.fill('zebra');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'No messages match' }).count(), { timeout: 15_000 }).toBe(1);
  }, 60_000);

  it("the admin panel's System page shows the search index (Ada registered first: server admin)", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${stack.gatewayUrl}/admin/system`);
    const index = page.getByTestId('search-index');
    await expect.poll(() => index.getAttribute('data-ready'), { timeout: 15_000 }).toBe('true');
    expect(await index.textContent()).toMatch(/^Ready, at seq \d+: lag \d+$/);
    await index.scrollIntoViewIfNeeded();
    await shot(page, 'search-admin-status');
  }, 60_000);
});
