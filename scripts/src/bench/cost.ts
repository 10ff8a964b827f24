import type { ProcUsage } from './procstat';

/**
 * What one message costs, in CPU microseconds, process by process: the bill every later change moves. Computed
 * from the CPU time each sampled process used over a measuring window (procstat.ts) divided by what happened
 * in it: messages persisted (acknowledged sends) and deliveries (event frames received by the generator).
 */
export interface CpuCost {
  /** Acknowledged (persisted) messages in the window. */
  messages: number;
  deliveries: number;
  /** CPU µs per persisted message, per process (edge-1, command-api, projectors, query-api, nats-server, postgres...). */
  usPerMessage: Record<string, number>;
  /** Sum over the processes of usPerMessage (the generator is not included). */
  totalUsPerMessage: number;
  /** CPU µs of the fan-out server (Natter's edges together, or the raw uWS server) per delivery. */
  serverUsPerDelivery: number | null;
}

const round = (v: number) => Math.round(v * 10) / 10;

/** `server` names the processes that deliver to sockets: Natter's edges (`edge-*`) or `raw-uws`. */
export function cpuCost(procs: ProcUsage[], messages: number, deliveries: number, server: (name: string) => boolean): CpuCost {
  const usPerMessage: Record<string, number> = {};
  let total = 0;
  let serverSeconds = 0;
  for (const p of procs) {
    const us = messages > 0 ? (p.cpuSeconds * 1e6) / messages : 0;
    usPerMessage[p.name] = round(us);
    total += us;
    if (server(p.name)) serverSeconds += p.cpuSeconds;
  }
  return {
    messages,
    deliveries,
    usPerMessage,
    totalUsPerMessage: round(total),
    serverUsPerDelivery: deliveries > 0 && procs.some((p) => server(p.name)) ? Math.round((serverSeconds * 1e6 * 100) / deliveries) / 100 : null,
  };
}

export const isFanoutServer = (name: string): boolean => name === 'raw-uws' || name.startsWith('edge');
