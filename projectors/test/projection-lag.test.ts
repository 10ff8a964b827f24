import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@natter/infra/testing';
import { startProjectors } from '../src/app';
import { loadConfig } from '../src/config';
import { ProjectionLock } from '../src/runtime/advisory-lock';
import { appendAll, ev, silent, startEnv, waitCheckpoint, type Env } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const sample = (text: string, name: string, projection: string) => {
  const m = text.match(new RegExp(`^${name}\\{projection="${projection}"\\} (\\S+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
};

describe('projection lag', () => {
  it('covers the notifications projection: a standby behind the stream shows its lag in /metrics and the status', async () => {
    // Someone else holds the notifications lock: this process's notifications projection stays standby at 0.
    const other = new ProjectionLock(env.pg.url, 'notifications', silent);
    expect(await other.tryAcquire()).toBe(true);
    // Email digests on (no mail is sent: nobody is notified), so their counter is in the process's /metrics too.
    const config = loadConfig({ NATS_URL: env.nats.url, DATABASE_URL: env.pg.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100', NOTIFY_EMAIL: '1' });
    const p = await startProjectors(config, silent);
    try {
      const seqs = await appendAll(env.js, [ev.register('u1', 'Alice'), ev.room('r1', 'general', 'u1'), ev.join('r1', 'u1', 'owner'), ev.msg('r1', 'u1', 1)]);
      const last = seqs[seqs.length - 1];
      await waitCheckpoint(env.db, last);
      // The stream stats poll (every 2 s) gives every projection the stream's end.
      await waitFor('notifications sees the stream end', async () => sample(await scrape(p.port), 'natter_projection_stream_last_seq', 'notifications') === last, 10_000, 100);
      const text = await scrape(p.port);
      expect(sample(text, 'natter_projection_active', 'notifications')).toBe(0);
      expect(sample(text, 'natter_projection_lag', 'notifications')).toBe(last);
      expect(sample(text, 'natter_projection_lag', 'chat')).toBe(0);
      // The notifications metrics are in the one registry /metrics renders (no registry of their own to merge).
      expect(text).toMatch(/^# TYPE natter_notify_email_total counter$/m);
      expect(text.match(/^# TYPE natter_projection_lag gauge$/gm)).toHaveLength(1);
      const ready = (await (await fetch(`http://127.0.0.1:${p.port}/readyz`)).json()) as { projections: Record<string, unknown> };
      expect(ready.projections.notifications).toMatchObject({ role: 'standby', appliedSeq: 0, streamLastSeq: last, lag: last });
      expect(ready.projections.chat).toMatchObject({ role: 'active', lag: 0 });
    } finally {
      await p.close();
      await other.close();
    }
  });
});
