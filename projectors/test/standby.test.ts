import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@natter/infra/testing';
import { startProjectors } from '../src/app';
import { appendAll, checkpointOf, dump, ev, silent, startEnv, waitCheckpoint, type Env } from './fixtures';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

const metric = async (port: number, name: string) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = text.match(new RegExp(`^${name}\\{projection="chat"\\} (\\S+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
};

describe('one active projector per projection', () => {
  it('runs one instance active and one standby; the standby takes over when the active one stops', async () => {
    const a = await startProjectors(env.config, silent);
    await waitFor('a active', async () => a.runner.role === 'active');
    const b = await startProjectors(env.config, silent);
    let bClosed = false;
    try {
      await waitFor('b standby', async () => b.runner.role === 'standby');
      const seqs = await appendAll(env.js, [ev.register('u1', 'Alice'), ev.room('r1', 'general', 'u1'), ev.join('r1', 'u1', 'owner'), ev.msg('r1', 'u1', 1)]);
      await waitCheckpoint(env.db, seqs[3]);
      // Give b a few retry periods: it must stay standby and apply nothing.
      await new Promise((r) => setTimeout(r, 400));
      expect(b.runner.role).toBe('standby');
      expect(await metric(b.port, 'natter_projection_events_total')).toBe(0);
      expect(await metric(b.port, 'natter_projection_active')).toBe(0);
      expect(await metric(a.port, 'natter_projection_events_total')).toBe(4);

      await a.close();
      await waitFor('b active', async () => b.runner.role === 'active', 10_000);
      const more = await appendAll(env.js, [ev.msg('r1', 'u1', 2), ev.leave('r1', 'u1')]);
      await waitCheckpoint(env.db, more[1]);
      expect(await metric(b.port, 'natter_projection_events_total')).toBe(2);
      const d = await dump(env.db);
      expect(d.messages.map((m) => m.seq)).toEqual([seqs[3], more[0]]);
      expect(d.rooms[0]).toMatchObject({ member_count: 0, last_seq: more[1] });
      expect(await checkpointOf(env.db)).toBe(more[1]);
      await b.close();
      bClosed = true;
    } finally {
      if (!bClosed) await b.close();
      await a.close().catch(() => {});
    }
  });
});

describe('losing the lock connection', () => {
  it('stops the active instance from writing and lets the standby take over', async () => {
    const a = await startProjectors(env.config, silent);
    const b = await startProjectors(env.config, silent);
    try {
      await waitFor('one active, one standby', async () => [a, b].filter((x) => x.runner.role === 'active').length === 1 && [a, b].some((x) => x.runner.role === 'standby'));
      const active = a.runner.role === 'active' ? a : b;
      const standby = active === a ? b : a;
      // Kill the active instance's lock session from the server side, as a crash or partition would.
      const { sql } = await import('kysely');
      await sql`select pg_terminate_backend(l.pid) from pg_locks l where l.locktype = 'advisory' and l.granted`.execute(env.db);
      await waitFor('standby takes over', async () => standby.runner.role === 'active', 10_000);
      // the former active instance has stopped being active, and applies nothing from here on
      await waitFor('former active steps down', async () => active.runner.role !== 'active', 10_000);
      const appliedBefore = active.metrics.eventsTotal;
      const seqs = await appendAll(env.js, [ev.msg('r1', 'u1', 3)]);
      await waitCheckpoint(env.db, seqs[0]);
      await sleep(300);
      expect(active.metrics.eventsTotal).toBe(appliedBefore);
      expect(standby.metrics.eventsTotal).toBeGreaterThan(0);
      const d = await dump(env.db);
      expect(d.messages.filter((m) => m.seq === seqs[0])).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
