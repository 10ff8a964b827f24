import { describe, expect, it } from 'vitest';
import { PresenceDirectory } from './presence';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const value = (userId: string, heartbeatAtMs: number, staleAfterMs = 300) =>
  JSON.stringify({ userId, node: 'n1', connectedAt: new Date(T0).toISOString(), heartbeatAt: new Date(heartbeatAtMs).toISOString(), staleAfterMs });

describe('PresenceDirectory', () => {
  it('a user is online while any connection is live, and transitions are reported once', () => {
    const d = new PresenceDirectory();
    const seen: [string, boolean][] = [];
    d.onChange((u, online) => seen.push([u, online]));
    d.apply('alice.c1', 'PUT', value('alice', T0), T0);
    d.apply('alice.c2', 'PUT', value('alice', T0), T0);
    d.apply('alice.c1', 'PUT', value('alice', T0 + 100), T0 + 100);
    expect(d.isOnline('alice', T0 + 100)).toBe(true);
    d.apply('alice.c1', 'DEL', '', T0 + 150);
    expect(d.isOnline('alice', T0 + 150)).toBe(true);
    d.apply('alice.c2', 'DEL', '', T0 + 160);
    expect(d.isOnline('alice', T0 + 160)).toBe(false);
    expect(seen).toEqual([['alice', true], ['alice', false]]);
  });

  it('an entry past heartbeatAt + staleAfterMs counts as gone; prune reports it (no watch event on 2.9)', () => {
    const d = new PresenceDirectory();
    const seen: [string, boolean][] = [];
    d.onChange((u, online) => seen.push([u, online]));
    d.apply('bob.c1', 'PUT', value('bob', T0), T0);
    expect(d.isOnline('bob', T0 + 299)).toBe(true);
    expect(d.isOnline('bob', T0 + 300)).toBe(false);
    d.prune(T0 + 299);
    expect(seen).toEqual([['bob', true]]);
    d.prune(T0 + 301);
    expect(seen).toEqual([['bob', true], ['bob', false]]);
    expect(d.size).toBe(0);
  });

  it('ignores stale, unreadable and foreign entries', () => {
    const d = new PresenceDirectory();
    d.apply('carol.c1', 'PUT', value('carol', T0 - 10_000), T0);
    d.apply('carol.c2', 'PUT', 'not json', T0);
    d.apply('carol.c3', 'PUT', JSON.stringify({ userId: 'carol' }), T0);
    d.apply('nodot', 'PUT', value('x', T0), T0);
    expect(d.isOnline('carol', T0)).toBe(false);
    expect(d.size).toBe(0);
  });
});
