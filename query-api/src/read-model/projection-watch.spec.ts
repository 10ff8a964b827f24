import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { ActiveSchema } from './active-schema';
import { ProjectionWatch } from './projection-watch';

const log = pino({ level: 'silent' });

function make(checkpoint: () => Promise<number>, pollMs = 10_000) {
  const active = { current: 'rm_v1_0' } as ActiveSchema;
  return { active, watch: new ProjectionWatch(active, checkpoint, pollMs, log) };
}

describe('ProjectionWatch', () => {
  it('wakes waiters whose sequence a notification for the active schema reaches, and only those', async () => {
    const { watch } = make(async () => 0);
    const deadline = Date.now() + 5000;
    const a = watch.wait(5, deadline);
    const b = watch.wait(9, deadline);
    watch.notified('rm_v9_0:100'); // another schema
    watch.notified('garbage');
    watch.notified('rm_v1_0:5');
    expect(await a).toBe(true);
    expect(watch.waiting).toBe(1);
    watch.notified('rm_v1_0:9');
    expect(await b).toBe(true);
    expect(watch.waiting).toBe(0);
  });

  it('gives up at the deadline', async () => {
    const { watch } = make(async () => 0);
    const started = Date.now();
    expect(await watch.wait(1, started + 100)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('polls the checkpoint once per interval for all waiters while anyone waits', async () => {
    let cp = 0;
    const read = vi.fn(async () => cp);
    const { watch } = make(read, 20);
    const deadline = Date.now() + 5000;
    const waits = [watch.wait(3, deadline), watch.wait(3, deadline), watch.wait(3, deadline)];
    await new Promise((r) => setTimeout(r, 70));
    const callsWhileLagging = read.mock.calls.length;
    expect(callsWhileLagging).toBeGreaterThanOrEqual(1);
    expect(callsWhileLagging).toBeLessThanOrEqual(5);
    cp = 3;
    expect(await Promise.all(waits)).toEqual([true, true, true]);
    const after = read.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(read.mock.calls.length).toBe(after); // polling stopped with no waiters
  });

  it('follows the active schema', async () => {
    const { watch, active } = make(async () => 0);
    watch.notified('rm_v1_1:50');
    const w = watch.wait(50, Date.now() + 5000);
    (active as { current: string }).current = 'rm_v1_1';
    watch.wake();
    expect(await w).toBe(true);
  });
});
