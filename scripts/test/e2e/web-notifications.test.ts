import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/index';
import { apiAs, loginInBrowser, registerInBrowser, shot, startBrowserStack, type BrowserStack } from '../support/browser';
import { relaxedRateLimits } from '../support/limits';

/**
 * The notification center and settings page in Chromium (issue 13): Bob on a phone and on a desktop, Ann
 * mentioning him. The bell counts live on both devices, "mark all read" on one clears the other, a
 * notification opens its message, and a muted room stays silent. Screenshots in test-artifacts/web-client/.
 */
let running: BrowserStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  running = await startBrowserStack('webnotif', { edges: 1, env: { ...relaxedRateLimits, COMMAND_API_SENDS_PER_SECOND: '200' } });
  ({ stack, browser } = running);
}, 180_000);

afterAll(() => running?.stop());


const register = (page: Page, name: string) => registerInBrowser(page, running.gatewayUrl, name);

const login = (page: Page, username: string) => loginInBrowser(page, running.gatewayUrl, username);

const api = (page: Page, method: string, path: string, body?: unknown) => apiAs(page, running.gatewayUrl, method, path, body);

const count = (page: Page) => page.getByTestId('notification-count');
/** The bell shows no count (waits for it to go, bounded). */
const noCount = (page: Page, timeout = 10_000) => count(page).waitFor({ state: 'detached', timeout });

describe('notifications in the browser', () => {
  let ann: Page;
  let phone: Page;
  let desk: Page;
  let bob: string;
  let roomId: string;
  let roomName: string;
  let n = 0;
  const say = async (text: string) => (await api(ann, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `w${++n}`, text })).seq as number;

  it('the bell counts mentions live on both of Bob\'s devices, and the center lists them', async () => {
    const [annCtx, phoneCtx, deskCtx] = await Promise.all([
      browser.newContext({ viewport: { width: 1280, height: 800 } }),
      browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }),
      browser.newContext({ viewport: { width: 1280, height: 800 } }),
    ]);
    [ann, phone, desk] = await Promise.all([annCtx.newPage(), phoneCtx.newPage(), deskCtx.newPage()]);
    await register(ann, 'Ann');
    bob = await register(phone, 'Bob');
    await login(desk, bob);
    roomName = `ops-${Math.random().toString(36).slice(2, 6)}`;
    roomId = (await api(ann, 'POST', '/api/rooms', { name: roomName, visibility: 'public' })).roomId;
    const joined = await api(phone, 'POST', `/api/rooms/${roomId}/join`);
    await api(phone, 'GET', `/api/rooms/${roomId}/members?minSeq=${joined.seq}`);
    expect(await count(phone).count()).toBe(0);

    await say(`@${bob} the deploy is done`);
    await say(`@${bob} can you check the <b>logs</b>?`);
    await say('@room standup in 5');
    await say('unrelated chatter');
    for (const p of [phone, desk]) await count(p).filter({ hasText: '3' }).waitFor({ timeout: 15_000 });

    await phone.getByTestId('notification-bell').click();
    const center = phone.getByRole('region', { name: 'Notification center' });
    await center.waitFor();
    expect(await center.locator('.bell__item').count()).toBe(3);
    expect(await center.locator('.bell__item').first().textContent()).toContain('Ann mentioned everyone');
    await center.getByText('can you check the <b>logs</b>?').waitFor(); // shown as text, not markup
    expect(await center.locator('.bell__item--unread').count()).toBe(3);
    await shot(phone, 'notifications-center-phone');
  }, 120_000);

  it('"Mark all read" on the phone clears the desktop\'s bell too; a notification opens its message', async () => {
    await desk.getByTestId('notification-bell').click();
    await desk.getByRole('region', { name: 'Notification center' }).waitFor();
    await shot(desk, 'notifications-center-desktop');
    await phone.getByRole('region', { name: 'Notification center' }).getByRole('button', { name: 'Mark all read' }).click(); // the room list has one too
    await noCount(phone);
    await noCount(desk);
    await desk.locator('.bell__item--unread').first().waitFor({ state: 'detached', timeout: 10_000 });

    const seq = await say(`@${bob} one more thing`);
    await count(desk).filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    await desk.locator('.bell__item').filter({ hasText: 'one more thing' }).click();
    await desk.waitForURL(new RegExp(`/rooms/${roomId}\\?m=${seq}$`));
    await desk.locator(`[data-testid="message"][data-seq="${seq}"]`).waitFor();
    await noCount(desk);
    await noCount(phone);

    // Reading the room reads its notifications: a mention arriving while the room is open on the desktop is
    // read there (its read marker), so the center has it read and neither device's bell counts it.
    const live = await say(`@${bob} seen it live`);
    await desk.locator(`[data-testid="message"][data-seq="${live}"]`).waitFor();
    await expect.poll(async () => {
      const page = await api(phone, 'GET', `/api/me/notifications?minSeq=${live}`);
      return [page.unread, page.items[0]?.messageSeq, page.items[0]?.read];
    }, { timeout: 15_000, interval: 250 }).toEqual([0, live, true]);
    await noCount(desk);
    await noCount(phone);
  }, 120_000);

  it('the settings page saves the level, email delay, quiet hours and a room mute; a muted room stays silent', async () => {
    await desk.goto(`${stack.gatewayUrl}/settings/notifications`);
    await desk.getByRole('heading', { name: 'Notification settings' }).waitFor();
    expect(await desk.getByLabel(/Mentions only/).isChecked()).toBe(true);
    await desk.getByLabel(/All messages/).check();
    await desk.getByRole('status').filter({ hasText: 'Level saved.' }).waitFor();
    await desk.getByLabel('Wait before emailing').selectOption('30');
    await desk.getByRole('status').filter({ hasText: 'Delay saved.' }).waitFor();
    await desk.getByLabel(/No push, and emails wait/).check();
    await desk.getByRole('status').filter({ hasText: 'Quiet hours saved.' }).waitFor();
    expect(await desk.getByLabel('Quiet hours start').inputValue()).toBe('22:00');
    await desk.getByLabel('Mute').check();
    await desk.getByRole('status').filter({ hasText: `#${roomName} saved.` }).waitFor();
    await shot(desk, 'notifications-settings-desktop');

    await desk.reload();
    await desk.getByRole('heading', { name: 'Notification settings' }).waitFor();
    expect(await desk.getByLabel(/All messages/).isChecked()).toBe(true);
    expect(await desk.getByLabel('Wait before emailing').inputValue()).toBe('30');
    expect(await desk.getByLabel('Quiet hours start').inputValue()).toBe('22:00');
    expect(await desk.getByLabel('Mute').isChecked()).toBe(true);
    const settings = await api(desk, 'GET', '/api/me/notification-settings');
    expect(settings).toMatchObject({ level: 'all', emailDelayMinutes: 30, quietHours: { start: '22:00', end: '07:00' }, rooms: [{ roomId, muted: true }] });

    await phone.goto(`${stack.gatewayUrl}/settings/notifications`);
    await phone.getByRole('heading', { name: 'Notification settings' }).waitFor();
    await shot(phone, 'notifications-settings-phone');

    const seq = await say(`@room @${bob} anyone?`);
    const center = await api(desk, 'GET', `/api/me/notifications?minSeq=${seq}`);
    expect(center.items.map((i: { messageSeq: number }) => i.messageSeq)).not.toContain(seq);
    expect(center.unread).toBe(0);
    expect(await count(desk).count()).toBe(0);
  }, 120_000);
  it('"Mute thread" in a thread\'s header silences that thread only', async () => {
    await api(desk, 'PATCH', `/api/rooms/${roomId}/notification-settings`, { muted: false });
    const root = await say('a thread about the release');
    await api(desk, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'bob-reply', text: 'I am on it', threadRootSeq: root });
    await desk.goto(`${stack.gatewayUrl}/rooms/${roomId}?m=${root}`);
    await desk.locator(`[data-testid="message"][data-seq="${root}"] .message__thread`).click();
    const thread = desk.getByTestId('thread');
    await thread.getByRole('button', { name: 'Mute thread' }).click();
    await thread.getByRole('button', { name: 'Unmute thread' }).waitFor();
    await shot(desk, 'notifications-thread-muted-desktop');
    const s = await api(desk, 'GET', '/api/me/notification-settings');
    expect(s.mutedThreads).toEqual([{ roomId, rootSeq: root }]);
    const inThread = (await api(ann, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'ann-reply', text: 'thanks Bob', threadRootSeq: root })).seq as number;
    const outside = await say('and in the room');
    const center = await api(desk, 'GET', `/api/me/notifications?minSeq=${outside}`);
    const seqs = center.items.map((i: { messageSeq: number }) => i.messageSeq);
    expect(seqs).toContain(outside); // "all messages" still brings the room's
    expect(seqs).not.toContain(inThread);
  }, 120_000);

  it('reading a thread (its pane open) reads its notifications: a reply to Bob shown there is read on both devices', async () => {
    const root = (await api(desk, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'bob-root', text: 'who has the keys?' })).seq as number;
    await desk.goto(`${stack.gatewayUrl}/rooms/${roomId}?m=${root}`);
    await desk.locator(`[data-testid="message"][data-seq="${root}"]`).waitFor();
    const reply = (await api(ann, 'POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'ann-keys', text: 'I have them', threadRootSeq: root })).seq as number;
    const before = await api(phone, 'GET', `/api/me/notifications?minSeq=${reply}`);
    expect(before.items.find((i: { messageSeq: number }) => i.messageSeq === reply)).toMatchObject({ kind: 'reply', read: false });
    await desk.locator(`[data-testid="message"][data-seq="${root}"] .message__thread`).click();
    await desk.getByTestId('thread').getByText('I have them').waitFor();
    await expect.poll(async () => {
      const page = await api(phone, 'GET', `/api/me/notifications?minSeq=${reply}`);
      return page.items.find((i: { messageSeq: number }) => i.messageSeq === reply)?.read;
    }, { timeout: 15_000, interval: 250 }).toBe(true);
    await noCount(phone);
    await noCount(desk);
  }, 120_000);
});
