import { spawn } from 'node:child_process';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { stopChild } from '@natter/infra/provision';
import { Supervisor, type GiveUp, type UnitSpec } from './supervisor';

/**
 * The restart policy, on real (tiny) child processes and a fast clock: backoff doubles, resets after a run
 * that stayed up, the Nth crash in the window gives up once, and a stop wins over a pending restart.
 */
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A unit whose every run lives `lifeMs()` and then exits with code 3 (or until stopped). A shell's `sleep`, not
 * a Node process: Node's own start-up takes hundreds of ms on a loaded machine, which would stretch every run.
 */
function unit(lifeMs: () => number, starts: number[] = []): UnitSpec {
  return {
    name: 'worker',
    logFile: '/tmp/worker.log',
    start: async () => {
      starts.push(Date.now());
      const proc = spawn('/bin/sh', ['-c', `sleep ${lifeMs() / 1000}; exit 3`], { stdio: 'ignore' });
      await new Promise((r) => proc.once('spawn', r));
      return { proc, stop: () => stopChild(proc, 'SIGTERM', 1000) };
    },
  };
}

function supervisor(policy: ConstructorParameters<typeof Supervisor>[0]['policy']) {
  const lines: string[] = [];
  const gaveUp: GiveUp[] = [];
  const s = new Supervisor({ log, say: (l) => lines.push(l), policy, onGiveUp: (g) => gaveUp.push(g) });
  return { s, lines, gaveUp };
}

describe('Supervisor', () => {
  it('restarts with doubling delays, and gives up on the Nth crash within the window, once', async () => {
    const { s, lines, gaveUp } = supervisor({ firstDelayMs: 50, maxDelayMs: 200, stableAfterMs: 10_000, maxCrashes: 5, crashWindowMs: 60_000 });
    const u = await s.start(unit(() => 30));
    const firstPid = u.proc.pid;
    for (let t = Date.now(); gaveUp.length === 0 && Date.now() - t < 15_000; ) await sleep(20);
    expect(gaveUp).toEqual([{ unit: 'worker', crashes: 5, windowMs: 60_000, last: 'exited (code 3)', logFile: '/tmp/worker.log' }]);
    expect(lines.filter((l) => /restart \d in/.test(l)).map((l) => /restart \d in [\d.]+s/.exec(l)![0])).toEqual([
      'restart 1 in 0.05s',
      'restart 2 in 0.1s',
      'restart 3 in 0.2s',
      'restart 4 in 0.2s', // capped at maxDelayMs
    ]);
    expect(lines.filter((l) => / is back \(pid \d+, restart \d/.test(l))).toHaveLength(4);
    expect(u.proc.pid).not.toBe(firstPid);
    expect(u.restarts).toBe(4);
    await sleep(300);
    expect(u.up).toBe(false); // nothing restarted after giving up
    await s.stop();
  });

  it('forgets old crashes: the delay resets after a run that stayed up, crashes outside the window do not count', async () => {
    // Only lower bounds matter, so a slow machine cannot change the outcome: the third run lasts longer than
    // stableAfterMs (the delay resets), the others far less; and the last three crashes are at least
    // 50 + 60 + 100 + 60 ms apart, more than the 200 ms window, so they never count together.
    const lives = [60, 60, 1500, 60, 60];
    const { s, lines, gaveUp } = supervisor({ firstDelayMs: 50, maxDelayMs: 1000, stableAfterMs: 1000, maxCrashes: 3, crashWindowMs: 200 });
    await s.start(unit(() => lives.shift() ?? 60_000));
    for (let t = Date.now(); lines.filter((l) => / is back/.test(l)).length < 5 && Date.now() - t < 20_000; ) await sleep(20);
    expect(lines.filter((l) => /restart \d in/.test(l)).map((l) => /in ([\d.]+)s/.exec(l)![1])).toEqual(['0.05', '0.1', '0.05', '0.1', '0.2']);
    expect(gaveUp).toEqual([]); // 5 crashes, but never 3 within 200 ms
    await s.stop();
  });

  it('a stop cancels a pending restart', async () => {
    const starts: number[] = [];
    const { s } = supervisor({ firstDelayMs: 200 });
    const u = await s.start(unit(() => 20, starts));
    await sleep(100); // crashed; its restart is pending
    await s.stop();
    await sleep(300);
    expect(starts).toHaveLength(1);
    expect(u.up).toBe(false);
  });

  it('a stop aborts a restart that is still waiting for readiness, and does not wait for it', async () => {
    const first = unit(() => 20);
    let aborted = false;
    let runs = 0;
    const spec: UnitSpec = {
      ...first,
      start: (signal) => {
        if (runs++ === 0) return first.start(signal);
        return new Promise((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted')))));
      },
    };
    const { s, lines } = supervisor({ firstDelayMs: 20 });
    await s.start(spec);
    for (let t = Date.now(); runs < 2 && Date.now() - t < 5000; ) await sleep(10);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(aborted).toBe(true);
    expect(lines.filter((l) => /did not come back/.test(l))).toEqual([]); // an aborted start is not a crash
  });

  it('a failed first start is an error, not a restart loop', async () => {
    const { s, lines } = supervisor({});
    await expect(s.start({ name: 'broken', logFile: '/tmp/b.log', start: async () => Promise.reject(new Error('no such binary')) })).rejects.toThrow('no such binary');
    expect(lines).toEqual([]);
    await s.stop();
  });
});
