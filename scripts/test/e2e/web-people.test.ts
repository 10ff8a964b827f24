import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { relaxedRateLimits } from '../support/limits';
import { repoRoot } from '../../src/stack/service-process';

/**
 * People in real Chromium (Debian's, driven by playwright-core) against the real stack through the gateway:
 * a private room whose owner finds someone by name and adds them, then they chat; a direct message started
 * from a profile; a moderator's ban; and the admin panel, as an admin and refused to a member. Screenshots at
 * desktop and phone (375 px) widths go to test-artifacts/web-client/people-*.png.
 */
const artifacts = join(repoRoot, 'test-artifacts', 'web-client');
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-web-people-'))]);
  await mkdir(artifacts, { recursive: true });
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, env: { ...relaxedRateLimits }, log: pino({ level: 'silent' }) });
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

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true };

async function register(ctx: BrowserContext, name: string, displayName = name): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${stack.gatewayUrl}/register`);
  const username = `${name}_${Math.random().toString(36).slice(2, 7)}`;
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return page;
}

/** A screenshot at the page's width, and one at the other width (phone <-> desktop). */
async function shots(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.screenshot({ path: join(artifacts, `people-${name}-${size.width <= 400 ? 'phone' : 'desktop'}.png`) });
  const other = size.width <= 400 ? { width: 1280, height: 800 } : { width: 375, height: 812 };
  await page.setViewportSize(other);
  await page.screenshot({ path: join(artifacts, `people-${name}-${other.width <= 400 ? 'phone' : 'desktop'}.png`) });
  await page.setViewportSize(size);
}

const texts = (page: Page) => page.locator('[data-testid="message"][data-status="sent"] .message__text').allTextContents();
async function send(page: Page, label: string, text: string) {
  const box = page.getByLabel(`Message ${label}`);
  await box.fill(text);
  await box.press('Enter');
}
const sees = (page: Page, text: string) => expect.poll(async () => (await texts(page)).some((t) => t.includes(text)), { timeout: 15_000 }).toBe(true);

async function createRoom(page: Page, name: string, visibility: 'public' | 'private') {
  await page.goto(`${stack.gatewayUrl}/new-room`);
  await page.getByLabel('Room name').fill(name);
  await page.getByLabel(visibility === 'private' ? /Private/ : /Public/).check();
  await page.getByRole('button', { name: 'Create room' }).click();
  await page.waitForURL(/\/rooms\//);
}

async function openMembers(page: Page) {
  await page.getByRole('button', { name: /^Members \(/ }).click();
  await page.locator('#members-panel').waitFor();
}

describe('people in the web client', () => {
  let rootCtx: BrowserContext;
  let aliceCtx: BrowserContext;
  let bobCtx: BrowserContext;
  let root: Page;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    [rootCtx, aliceCtx, bobCtx] = await Promise.all([browser.newContext(desktop), browser.newContext(desktop), browser.newContext(phone)]);
    root = await register(rootCtx, 'root', 'Root Admin'); // the first account: server admin
    alice = await register(aliceCtx, 'alice', 'Alice Liddell');
    bob = await register(bobCtx, 'bob', 'Bób Builder');
  }, 60_000);

  it('creates a private room, finds a person by name (no accents needed), adds them, and they see it at once and chat', async () => {
    await createRoom(alice, 'project-x', 'private');
    await openMembers(alice);
    await alice.getByRole('button', { name: 'Add people' }).click();
    await alice.getByLabel('Add people').fill('bob buil');
    const add = alice.getByRole('button', { name: 'Add Bób Builder' });
    await add.waitFor();
    await shots(alice, 'add-member');
    await add.click();
    await alice.locator('#members-panel [data-testid="member"]', { hasText: 'Bób Builder' }).waitFor();
    // bob, on a phone, sees the room in his list without reloading, opens it and they talk
    const link = bob.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: /project-x/ });
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await send(bob, 'project-x', 'thanks for adding me');
    await sees(alice, 'thanks for adding me');
    await send(alice, 'project-x', 'welcome aboard');
    await sees(bob, 'welcome aboard');
    await shots(bob, 'private-room');
  });

  it('starts a direct message from a profile; the other person gets it with the sender name and presence in their list', async () => {
    await bob.goto(`${stack.gatewayUrl}/`);
    await bob.getByRole('link', { name: 'Find people' }).click();
    await bob.getByLabel('Search people').fill('alice');
    await bob.getByRole('link', { name: 'Profile of Alice Liddell' }).click();
    await bob.getByRole('heading', { name: 'Alice Liddell' }).waitFor();
    await expect.poll(() => bob.getByTestId('presence').textContent(), { timeout: 15_000 }).toContain('Online');
    await shots(bob, 'profile');
    await bob.getByRole('button', { name: 'Message' }).click();
    await send(bob, 'Alice Liddell', 'psst, a direct message');
    await bob.waitForURL(/\/rooms\//);
    const dm = alice.getByRole('navigation', { name: 'Rooms' }).getByTestId('dm-link').filter({ hasText: 'Bób Builder' });
    await dm.waitFor({ timeout: 15_000 });
    await expect.poll(() => dm.getByRole('img').getAttribute('aria-label'), { timeout: 15_000 }).toBe('online');
    await dm.click();
    await sees(alice, 'psst, a direct message');
    await send(alice, 'Bób Builder', 'hello back');
    await sees(bob, 'hello back');
    // the same conversation again from the profile: it opens, no second one
    await alice.goto(`${stack.gatewayUrl}/people`);
    await alice.getByLabel('Search people').fill('bob');
    await alice.getByRole('link', { name: 'Profile of Bób Builder' }).click();
    await alice.getByRole('button', { name: 'Message' }).click();
    await sees(alice, 'psst, a direct message');
    await shots(alice, 'dm');
  });

  it('a moderator bans someone, who then can neither see the room nor rejoin it', async () => {
    const [carolCtx, daveCtx] = await Promise.all([browser.newContext(desktop), browser.newContext(phone)]);
    const carol = await register(carolCtx, 'carol', 'Carol Mod');
    const dave = await register(daveCtx, 'dave', 'Dave Troll');
    await createRoom(alice, 'town-square', 'public');
    const url = alice.url();
    for (const p of [carol, dave]) {
      await p.goto(url);
      await p.getByRole('button', { name: 'Join room' }).click();
      await p.getByLabel('Message #town-square').waitFor();
    }
    await send(dave, '#town-square', 'trolling');
    await openMembers(alice);
    await alice.getByLabel('Role of Carol Mod').selectOption('moderator');
    await alice.locator('#members-panel [data-testid="member"]', { hasText: 'Carol Mod' }).locator('.badge', { hasText: 'moderator' }).waitFor();

    await sees(carol, 'trolling');
    await openMembers(carol);
    await carol.getByRole('button', { name: 'Ban Dave Troll' }).click();
    await carol.getByTestId('banned').filter({ hasText: 'Dave Troll' }).waitFor();
    await shots(carol, 'ban');

    // dave: told at once, the messages go, the room leaves his list, he cannot rejoin
    await dave.getByText('You were banned from this room.').waitFor({ timeout: 15_000 });
    await dave.getByText('You are not a member of this room.').waitFor();
    expect(await dave.locator('[data-testid="message"]').count()).toBe(0);
    await dave.goto(`${stack.gatewayUrl}/`);
    await dave.getByRole('navigation', { name: 'Rooms' }).waitFor();
    expect(await dave.getByRole('link', { name: /town-square/ }).count()).toBe(0);
    await dave.goto(url);
    await dave.getByRole('button', { name: 'Join room' }).click();
    await dave.getByRole('alert').filter({ hasText: 'You are banned from this room.' }).waitFor();
    await shots(dave, 'banned');
    await send(alice, '#town-square', 'after the ban');
    await sees(carol, 'after the ban');
    expect(await dave.locator('[data-testid="message"]').count()).toBe(0);
    await carolCtx.close();
    await daveCtx.close();
  });

  it('the admin panel: users, rooms, audit log and system status with a rebuild, for the server admin', async () => {
    await root.reload();
    await root.getByRole('link', { name: 'Admin', exact: true }).click();
    await root.getByLabel('Search users').fill('dave');
    const daveRow = root.getByTestId('admin-user').filter({ hasText: 'Dave Troll' });
    await daveRow.waitFor();
    await daveRow.getByRole('button', { name: 'Sessions' }).click();
    await daveRow.getByRole('list', { name: 'Sessions' }).getByText(/Signed in/).first().waitFor();
    await shots(root, 'admin-users');
    await daveRow.getByRole('button', { name: 'Deactivate' }).click({ trial: true });

    await root.getByRole('link', { name: 'Rooms', exact: true }).click();
    const row = root.getByTestId('admin-room').filter({ hasText: 'town-square' });
    await row.getByRole('button', { name: 'Members' }).click();
    await row.getByRole('list', { name: 'Members' }).getByText('Carol Mod').waitFor();
    await shots(root, 'admin-rooms');

    await root.getByRole('link', { name: 'Audit log' }).click();
    await root.getByLabel('Event type').selectOption('MemberBanned');
    const entry = root.getByTestId('audit-entry').first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-type')).toBe('MemberBanned');
    expect(await entry.textContent()).toContain('Carol Mod');
    await shots(root, 'admin-audit');

    await root.getByRole('link', { name: 'System' }).click();
    for (const s of ['command-api', 'query-api', 'projectors', 'realtime-edge']) await root.locator(`[data-testid="service"][data-service="${s}"]`).first().waitFor();
    await root.getByTestId('projector-lag').waitFor();
    await root.getByRole('button', { name: 'Rebuild read models' }).click();
    await root.locator('[data-testid="rebuild"][data-state="done"]').waitFor({ timeout: 60_000 });
    await shots(root, 'admin-system');
  });

  it('refuses the admin panel to a member: no menu entry, the page says so, the API answers 403', async () => {
    await bob.goto(`${stack.gatewayUrl}/admin/users`);
    await bob.getByTestId('admin-refused').waitFor();
    expect(await bob.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    const status = await bob.evaluate<number>(
      "(async () => (await fetch('/api/admin/users', { headers: { authorization: 'Bearer ' + JSON.parse(localStorage.getItem('natter.auth')).accessToken } })).status)()",
    );
    expect(status).toBe(403);
    await shots(bob, 'admin-refused');
  });
});
