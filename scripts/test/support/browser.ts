import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase, startNats } from '@natter/infra/testing';
import { startStack, type Stack, type StackOptions } from '../../src/stack/index';
import { repoRoot } from '../../src/stack/service-process';

/**
 * What the browser tests share: a real stack on a throwaway nats-server and database, Debian's Chromium, the
 * screenshots folder, and signing up and in through the web client's own pages.
 */
export const artifacts = join(repoRoot, 'test-artifacts', 'web-client');
export const testPassword = 'correct horse battery';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });

export interface BrowserStack {
  stack: Stack;
  /** The gateway's URL: what a person opens. */
  gatewayUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** A stack through the gateway and a browser; `stop` removes everything, also after a start that failed half-way. */
export async function startBrowserStack(name: string, opts: Pick<StackOptions, 'edges' | 'env'> = {}): Promise<BrowserStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), `natter-${name}-`))]);
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => db.drop(), () => nats.stop());
    await mkdir(artifacts, { recursive: true });
    const stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: opts.edges ?? 1, log: pino({ level: 'silent' }), env: opts.env });
    cleanups.push(() => stack.stop());
    if (!stack.gatewayUrl) throw new Error('the stack started without its gateway');
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    return { stack, gatewayUrl: stack.gatewayUrl, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Signs up on the register page as `<name>_xxxxx` (lower case) and waits for the room list; returns the username. */
export async function registerInBrowser(page: Page, gatewayUrl: string, name: string): Promise<string> {
  await page.goto(`${gatewayUrl}/register`);
  const username = `${name.toLowerCase()}_${Math.random().toString(36).slice(2, 7)}`;
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(testPassword);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return username;
}

export async function loginInBrowser(page: Page, gatewayUrl: string, username: string): Promise<void> {
  await page.goto(`${gatewayUrl}/login`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(testPassword);
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
}

const tokenOf = (page: Page) => page.evaluate<string>("JSON.parse(localStorage.getItem('natter.auth')).accessToken");

/** A JSON request as the person signed in on `page` (their access token); throws on a status of 300 or more. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON they expect
export async function apiAs(page: Page, gatewayUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenOf(page)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}
