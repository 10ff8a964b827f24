import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startMailCatcherProcess, startNats, type MailCatcherProcess, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { relaxedRateLimits } from '../support/limits';
import { repoRoot } from '../../src/stack/service-process';

/**
 * Email links in real Chromium against the real stack through the gateway, with mail sent over SMTP to a real
 * SMTP server process of the test's own (parsed with mailparser): forgot password -> the mail -> its link
 * opens the reset page -> a new password -> log in with it (the old one refused); and the verification link
 * from registration, seen as "verified" on the profile and in the admin panel. Screenshots go to
 * test-artifacts/web-client/mail-*.png.
 */
const artifacts = join(repoRoot, 'test-artifacts', 'web-client');
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let smtp: MailCatcherProcess;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [nats, db, dir, smtp] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-web-mail-')), startMailCatcherProcess()]);
  await mkdir(artifacts, { recursive: true });
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, env: { ...relaxedRateLimits, SMTP_URL: smtp.smtpUrl, MAIL_POLL_MS: '200' }, log: pino({ level: 'silent' }) });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await smtp?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true };
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `mail-${name}.png`) });

async function register(ctx: BrowserContext, username: string, password: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${stack.gatewayUrl}/register`);
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Display name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return page;
}

describe('email links in the web client', () => {
  it('forgot password -> mail -> reset page -> log in with the new password; the link works once', async () => {
    const setup = await browser.newContext(desktop);
    await register(setup, 'rita', 'rita old password');
    await setup.close();

    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${stack.gatewayUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel('Username or email').fill('rita');
    await shot(page, 'forgot-phone');
    const before = (await smtp.mails()).length;
    await page.getByRole('button', { name: 'Send me a reset link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('If an account matches rita');
    await shot(page, 'forgot-sent-phone');

    const mail = await smtp.waitForMail((m) => m.subject === 'Reset your Natter password', { after: before });
    expect(mail.to).toEqual(['rita@example.test']);
    const link = mail.links.find((l) => l.startsWith(`${stack.gatewayUrl}/reset-password#token=`));
    expect(link, mail.text).toBeDefined();

    await page.goto(link!);
    await page.getByLabel('New password', { exact: true }).fill('rita new password');
    await page.getByLabel('New password again').fill('rita new passwort');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The two passwords differ.');
    await page.getByLabel('New password again').fill('rita new password');
    await shot(page, 'reset-phone');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your password is changed');
    await shot(page, 'reset-done-phone');

    // The same link again (opened afresh): refused with a clear message.
    await page.goto('about:blank');
    await page.goto(link!);
    await page.getByLabel('New password', { exact: true }).fill('rita third password');
    await page.getByLabel('New password again').fill('rita third password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('already used');
    await shot(page, 'reset-used-phone');

    // Log in: the old password is refused, the new one lets rita in.
    await page.goto(`${stack.gatewayUrl}/login`);
    await page.getByLabel('Username or email').fill('rita');
    await page.getByLabel('Password').fill('rita old password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username/email or password');
    await page.getByLabel('Password').fill('rita new password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    await shot(page, 'logged-in-phone');
    await ctx.close();
  });

  it('the verification link from registration marks the address verified on the profile and in the admin panel', async () => {
    // The first account on this server is rita (server admin); victor registers and verifies.
    const adminCtx = await browser.newContext(desktop);
    const admin = await adminCtx.newPage();
    await admin.goto(`${stack.gatewayUrl}/login`);
    await admin.getByLabel('Username or email').fill('rita');
    await admin.getByLabel('Password').fill('rita new password');
    await admin.getByRole('button', { name: 'Log in' }).click();
    await admin.getByRole('navigation', { name: 'Rooms' }).waitFor();

    const ctx = await browser.newContext(desktop);
    const before = (await smtp.mails()).length;
    const page = await register(ctx, 'victor', 'victor password 1');
    await page.goto(`${stack.gatewayUrl}/profile`);
    const settings = page.getByTestId('email-settings');
    await expect.poll(() => settings.textContent()).toContain('not verified');
    await shot(page, 'profile-unverified-desktop');
    // On a phone nothing of it runs off the screen (the button and the label once did).
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      return [...doc.querySelectorAll('[data-testid="email-settings"] *')].filter((e: any) => e.getBoundingClientRect().right > doc.documentElement.clientWidth + 1).map((e: any) => e.textContent);
    });
    expect(overflow).toEqual([]);
    await shot(page, 'profile-unverified-phone');
    await page.setViewportSize(desktop.viewport);

    const mail = await smtp.waitForMail((m) => m.to[0] === 'victor@example.test', { after: before });
    const link = mail.links.find((l) => l.startsWith(`${stack.gatewayUrl}/verify-email#token=`))!;
    expect(link, mail.text).toBeDefined();
    await page.goto(link);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('victor@example.test is confirmed');
    await shot(page, 'verified-desktop');
    await page.getByRole('link', { name: 'Back to your profile' }).click();
    await expect.poll(() => settings.textContent(), { timeout: 10_000 }).toMatch(/victor@example\.test\s*verified/);
    await shot(page, 'profile-verified-desktop');

    await admin.goto(`${stack.gatewayUrl}/admin/users`);
    const victor = admin.getByTestId('admin-user').filter({ hasText: '@victor' });
    await expect.poll(() => victor.textContent(), { timeout: 10_000 }).toContain('email verified');
    const rita = admin.getByTestId('admin-user').filter({ hasText: '@rita' });
    // Rita never opened her verification link, but her reset link proved the address too.
    await expect.poll(() => rita.textContent()).toContain('email verified');
    await shot(admin, 'admin-users-desktop');
    await ctx.close();
    await adminCtx.close();
  });
});
