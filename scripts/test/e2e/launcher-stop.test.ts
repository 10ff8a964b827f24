import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailDir, waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Launched } from '../support/launcher';
import { alive } from '../support/procs';

/**
 * Every way of stopping `npm run up` stops everything it started, within a few seconds: no process (by pid
 * and by process group) and no listening port is left. The stack is started by `npm run up` itself, in its
 * own process group, as from a terminal. The cases share one data dir (later starts skip initdb).
 */
let dataDir: string;
const launched: Launched[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'natter-stop-'));
});

afterAll(async () => {
  for (const l of launched) await l.destroy().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

async function startAndCheck(): Promise<{ l: Launched; ports: number[] }> {
  const l = await Launched.start({ via: 'npm', dataDir });
  launched.push(l);
  await l.waitUntilRunning();
  const units = l.units();
  expect([...units.keys()].sort()).toEqual(['command-api', 'edge-1', 'mail-catcher', 'nats-server', 'nginx', 'postgres', 'projectors', 'query-api']);
  const ports = [...l.unitPorts().values()].flat();
  expect(ports).toEqual(expect.arrayContaining([l.ports.gateway, l.ports.nats, l.ports.postgres]));
  expect((await fetch(l.base + '/api/openapi.json')).status).toBe(200);
  return { l, ports };
}

/** Within `ms` nothing it started is alive and none of its ports listens; returns how long that took. */
async function expectAllGone(l: Launched, ports: number[], t0: number, ms = 8000): Promise<number> {
  const deadline = t0 + ms;
  while (Date.now() < deadline && (l.leftovers().length > 0 || l.listeningLeft(ports).length > 0)) await new Promise((r) => setTimeout(r, 100));
  expect(l.leftovers().map((p) => `${p.pid} ${p.argv.join(' ')}`)).toEqual([]);
  expect(l.listeningLeft(ports)).toEqual([]);
  return Date.now() - t0;
}

/**
 * With no SMTP_URL, `npm run up` runs a local mail catcher and says where to read mail: a password reset
 * through the gateway lands there as an .eml file, and its link (to the gateway) sets the new password.
 */
async function resetPasswordThroughTheCatcher(l: Launched): Promise<void> {
  const mailDir = join(l.dataDir, 'mail');
  expect(l.output).toContain(`mail is caught locally, read it at http://127.0.0.1:`);
  expect(l.output).toContain(`as .eml files in ${mailDir}`);
  const post = (path: string, body: unknown) => fetch(l.base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/api/auth/register', { username: 'mailtest', email: 'mailtest@example.test', password: 'first password 1', displayName: 'Mail Test' })).status).toBe(201);
  expect((await post('/api/auth/password-reset/request', { login: 'mailtest' })).status).toBe(202);
  const mail = await waitFor('the reset mail in the catcher', async () => (await readMailDir(mailDir)).find((m) => m.subject === 'Reset your Natter password'), 15_000, 100);
  expect(mail.to).toEqual(['mailtest@example.test']);
  const link = mail.links.find((u) => u.startsWith(`${l.base}/reset-password#token=`));
  expect(link, mail.text).toBeDefined();
  const token = new URL(link!).hash.slice('#token='.length);
  expect((await post('/api/auth/password-reset', { token, password: 'second password 2' })).status).toBe(200);
  expect((await post('/api/auth/login', { login: 'mailtest', password: 'second password 2' })).status).toBe(200);
  expect((await post('/api/auth/login', { login: 'mailtest', password: 'first password 1' })).status).toBe(401);
  // The catcher's page lists it.
  const page = /read it at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l.output)![1];
  expect(await (await fetch(page)).text()).toContain('Reset your Natter password');
}

describe('stopping npm run up', () => {
  it('SIGTERM to the npm pid stops everything, and npm exits 0 (after a password reset mailed to the local catcher)', async () => {
    const { l, ports } = await startAndCheck();
    await resetPasswordThroughTheCatcher(l);
    const t0 = Date.now();
    process.kill(l.proc.pid!, 'SIGTERM');
    expect(await l.exited).toEqual({ code: 0, signal: null });
    await expectAllGone(l, ports, t0);
    expect(l.output).toMatch(/\[natter\] SIGTERM: stopping…\n\[natter\] stopped/);
  }, 150_000);

  it('SIGINT to the npm pid stops everything', async () => {
    const { l, ports } = await startAndCheck();
    const t0 = Date.now();
    process.kill(l.proc.pid!, 'SIGINT');
    expect(await l.exited).toEqual({ code: 0, signal: null });
    await expectAllGone(l, ports, t0);
  }, 150_000);

  it('Ctrl-C (SIGINT to the whole foreground process group) stops everything once, without noise', async () => {
    const { l, ports } = await startAndCheck();
    const t0 = Date.now();
    process.kill(-l.proc.pid!, 'SIGINT'); // npm, bootstrap.mjs and up.ts all get it, as from a terminal
    expect(await l.exited).toEqual({ code: 0, signal: null });
    await expectAllGone(l, ports, t0);
    expect(l.output.match(/stopping…/g)).toHaveLength(1);
    expect(l.output).not.toMatch(/restart \d|exited \(|error/i);
  }, 150_000);

  it('SIGKILL of the launcher itself (up.ts) leaves nothing running either', async () => {
    const { l, ports } = await startAndCheck();
    const up = l.upPid();
    const t0 = Date.now();
    process.kill(up, 'SIGKILL');
    const exit = await l.exited; // bootstrap.mjs and npm notice and exit non-zero
    expect(exit.code).not.toBe(0);
    expect(alive(up)).toBe(false);
    await expectAllGone(l, ports, t0, 12_000);
  }, 150_000);
});
