import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@natter/infra/runtime';
import { NatterApi } from '../src/bench/natter/api';
import { Population } from '../src/bench/natter/population';
import { acquireNatter, type NatterHandle } from '../src/bench/natter/stack-handle';
import { startRawUws, type RawUwsHandle } from '../src/bench/raw-uws/launch';
import { fanoutScenario, type FanoutOptions } from '../src/bench/scenarios/fanout';
import { natterTarget, rawTarget } from '../src/bench/targets';

/**
 * The benchmark's generator for a few seconds at a low rate: against the raw uWS baseline and against the
 * real stack (startStack). Every acknowledged message reaches every member once, in order.
 */
const opts: FanoutOptions = { name: 'smoke', rooms: 4, members: 5, totalRate: 20, durationMs: 3000, maxPerSender: 8, workers: 2, textBytes: 64 };
const quiet = () => {};

function expectClean(r: Awaited<ReturnType<typeof fanoutScenario>>) {
  expect(r.sendErrors).toEqual({});
  expect(r.acked).toBe(r.sent);
  expect(r.sent).toBeGreaterThanOrEqual(50);
  expect(r.expected).toBe(r.acked * opts.members);
  expect(r.delivered).toBe(r.expected);
  expect(r.lost).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.outOfOrder).toBe(0);
  expect(r.latencyMs.count).toBe(r.delivered);
  expect(r.procs.length).toBeGreaterThan(0);
}

describe('bench generator smoke', () => {
  let raw: RawUwsHandle;
  let natter: NatterHandle;

  beforeAll(async () => {
    raw = await startRawUws();
    natter = await acquireNatter({ log: createLogger('bench-smoke', 'warn'), progress: quiet });
  });

  afterAll(async () => {
    await raw?.stop();
    await natter?.stop();
  });

  it('raw uWS baseline: nothing lost, no duplicates, in order', async () => {
    expectClean(await fanoutScenario(rawTarget(raw.url, raw.pid), opts, quiet));
  });

  it('Natter: nothing lost, no duplicates, in order', async () => {
    const pop = new Population(new NatterApi(natter.commandUrl, natter.queryUrl), Date.now().toString(36), quiet);
    const r = await fanoutScenario(natterTarget(natter.edgeWsUrl, pop, natter.procs), opts, quiet);
    expectClean(r);
    expect(r.procs.map((p) => p.name)).toEqual(expect.arrayContaining(['command-api', 'edge-1', 'nats-server']));
  });
});
