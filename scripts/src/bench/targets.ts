import type { Dialect } from './generator/protocol';
import type { NatterProbe } from './natter/probe';
import { layout, type Layout, type Population } from './natter/population';

/**
 * What the generator runs against: Natter's edge (real users and rooms) or the raw uWS baseline (rooms are
 * just topic names). Both expose the processes whose CPU and RSS the report shows.
 */
export interface Target {
  name: string;
  dialect: Dialect;
  /** Named processes to sample; a function because Postgres backends come and go. */
  procs: Record<string, () => number[]>;
  /** Natter's counters over a measuring window (none for the raw baseline). */
  probe?: NatterProbe;
  prepare(rooms: number, members: number): Promise<Layout>;
}

/** Natter's edges: each room's members are spread over them in turn (one edge, or the cluster's several). */
export function natterTarget(edgeWsUrls: string | string[], pop: Population, procs: Target['procs'], o: { name?: string; probe?: NatterProbe } = {}): Target {
  const edges = typeof edgeWsUrls === 'string' ? [edgeWsUrls] : edgeWsUrls;
  return {
    name: o.name ?? 'natter',
    dialect: 'natter',
    procs,
    probe: o.probe,
    prepare: async (rooms, members) => {
      const made = await pop.rooms(rooms, members);
      return layout(made.map((r) => ({ id: r.id, size: r.members.length })), (_room, r, m) => `${edges[(r + m) % edges.length]}?access_token=${made[r].members[m].accessToken}`);
    },
  };
}

let rawRooms = 0;
export function rawTarget(rawWsUrl: string, pid: number): Target {
  return {
    name: 'raw-uws',
    dialect: 'raw',
    procs: { 'raw-uws': () => [pid] },
    prepare: async (rooms, members) => {
      const ids = Array.from({ length: rooms }, () => `room${++rawRooms}`);
      return layout(ids.map((id) => ({ id, size: members })), (id) => `${rawWsUrl}?rooms=${id}`);
    },
  };
}
