import { PresenceDirectory } from '@natter/infra/runtime';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { EdgeMetrics } from './metrics';
import type { PresenceStore } from './ports';
import { HEARTBEAT_SLOTS, PresenceHub, PresenceReporter, type PresenceSession } from './presence';

const log = pino({ level: 'silent' });

/** A store whose writes complete only when the test says so. */
function slowStore() {
  const ops: { op: string; key: string; done: () => void }[] = [];
  const log: string[] = [];
  const store: PresenceStore = {
    put: (key) => new Promise<void>((done) => ops.push({ op: 'put', key, done: () => (log.push(`put ${key}`), done()) })),
    delete: (key) => new Promise<void>((done) => ops.push({ op: 'del', key, done: () => (log.push(`del ${key}`), done()) })),
    seen: async (userId) => void log.push(`seen ${userId}`),
  };
  return { store, ops, log };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function session(userId: string, connId = `c-${userId}`) {
  const frames: any[] = [];
  const s: PresenceSession = { userId, connId, send: (f) => void frames.push(f), sendText: (t) => void frames.push(JSON.parse(t)) };
  return { s, frames };
}

describe('PresenceReporter', () => {
  it('a close right after an open deletes after the put lands, never before', async () => {
    const { store, ops, log: applied } = slowStore();
    const r = new PresenceReporter(store, 'n1', 60_000, log);
    const { s } = session('ann');
    r.connected(s);
    r.disconnected(s);
    await tick();
    expect(ops.map((o) => o.op)).toEqual(['put']);
    ops[0].done();
    await tick();
    expect(ops.map((o) => o.op)).toEqual(['put', 'del']);
    ops[1].done();
    await r.stop();
    expect(applied).toEqual(['put ann.c-ann', 'del ann.c-ann', 'seen ann']);
  });

  it('refreshes every connection once per period, a tenth of them at a time', async () => {
    vi.useFakeTimers();
    try {
      const puts: string[] = [];
      const store: PresenceStore = { put: async (key) => void puts.push(key), delete: async () => {}, seen: async () => {} };
      const r = new PresenceReporter(store, 'n1', 1000, log);
      const n = 40;
      for (let i = 0; i < n; i++) r.connected(session(`u${i}`).s);
      await vi.advanceTimersByTimeAsync(0);
      expect(puts).toHaveLength(n); // the put on open
      puts.length = 0;
      const perTick: number[] = [];
      for (let t = 0; t < HEARTBEAT_SLOTS; t++) {
        const before = puts.length;
        await vi.advanceTimersByTimeAsync(1000 / HEARTBEAT_SLOTS);
        perTick.push(puts.length - before);
      }
      expect(perTick).toEqual(Array(HEARTBEAT_SLOTS).fill(n / HEARTBEAT_SLOTS));
      expect(new Set(puts).size).toBe(n);
      await r.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('PresenceHub', () => {
  it('acks the current state, sends transitions of followed users only, refuses users sharing no room', async () => {
    const dir = new PresenceDirectory();
    const now = Date.now();
    const entry = (u: string) => JSON.stringify({ userId: u, node: 'n', connectedAt: new Date(now).toISOString(), heartbeatAt: new Date(now).toISOString(), staleAfterMs: 60_000 });
    dir.apply('bob.c1', 'PUT', entry('bob'));
    const hub = new PresenceHub(dir, { sharesRoom: async (_u, others) => others.filter((o) => o !== 'eve') }, new EdgeMetrics(), log);
    const { s, frames } = session('ann');

    await hub.subscribe(s, 'r1', ['bob', 'cy', 'ann']);
    expect(frames.pop()).toEqual({ type: 'ack', id: 'r1', result: { online: { bob: true, cy: false, ann: false } } });
    dir.apply('cy.c1', 'PUT', entry('cy'));
    dir.apply('dan.c1', 'PUT', entry('dan'));
    expect(frames.splice(0)).toEqual([{ type: 'presence', userId: 'cy', online: true }]);

    await hub.subscribe(s, 'r2', ['cy', 'eve']);
    expect(frames.pop()).toMatchObject({ type: 'error', id: 'r2', code: 'forbidden' });
    // The old list stays.
    dir.apply('bob.c1', 'DEL', '');
    expect(frames.splice(0)).toEqual([{ type: 'presence', userId: 'bob', online: false }]);

    await hub.subscribe(s, 'r3', ['dan']);
    frames.splice(0);
    dir.apply('cy.c1', 'DEL', '');
    expect(frames).toEqual([]);
    hub.remove(s);
    dir.apply('dan.c1', 'DEL', '');
    expect(frames).toEqual([]);
  });
});
