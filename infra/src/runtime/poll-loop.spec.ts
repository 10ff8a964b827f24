import { describe, expect, it } from 'vitest';
import { PollLoop } from './poll-loop';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('PollLoop', () => {
  it('never runs two rounds at once; a nudge during a round runs exactly one more after it', async () => {
    let active = 0;
    let most = 0;
    let rounds = 0;
    let release!: () => void;
    const loop = new PollLoop(async () => {
      active++;
      most = Math.max(most, active);
      rounds++;
      if (rounds === 1) await new Promise<void>((r) => (release = r));
      active--;
    }, 60_000, () => {});
    loop.start();
    await tick();
    loop.nudge();
    loop.nudge();
    expect(rounds).toBe(1);
    release();
    await tick();
    expect(rounds).toBe(2);
    expect(most).toBe(1);
    await loop.stop();
  });

  it('a failed round is reported and the loop goes on; stop waits for the round in progress', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    let finished = false;
    const loop = new PollLoop(async () => {
      rounds++;
      if (rounds === 1) throw new Error('boom');
      await tick();
      finished = true;
    }, 10, (e) => errors.push(e));
    loop.start();
    while (rounds < 2) await tick(); // the timer brings the second round after the failed first
    await loop.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(true);
    expect(loop.stopping).toBe(true);
    const after = rounds;
    loop.nudge();
    await tick();
    expect(rounds).toBe(after);
  });
});
