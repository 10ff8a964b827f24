import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  expect([...units.keys()].sort()).toEqual(['command-api', 'edge-1', 'nats-server', 'nginx', 'postgres', 'projectors', 'query-api']);
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

describe('stopping npm run up', () => {
  it('SIGTERM to the npm pid stops everything, and npm exits 0', async () => {
    const { l, ports } = await startAndCheck();
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
