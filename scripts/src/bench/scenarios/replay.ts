import { createKysely, createLogger, connectNats, type ReadModelDB } from '@natter/infra/runtime';
import { rebuildReadModel } from '@natter/projectors';

export interface ReplayResult {
  events: number;
  seconds: number;
  eventsPerSec: number;
  batchMaxEvents: number;
  /** The search projection's replay over the same events: its back-fill rate. */
  search?: { events: number; seconds: number; eventsPerSec: number };
}

/**
 * Rebuilds the read model (chat, then search) from the whole stream into a new schema with the projectors' own code
 * (scripts/src/replay.ts, no verify, no swap; the new schema is dropped after), and reports its rate.
 */
export async function replayScenario(o: { natsUrl: string; databaseUrl: string; batchMaxEvents: number }): Promise<ReplayResult> {
  const log = createLogger('bench-replay');
  log.level = 'warn';
  const nc = await connectNats(o.natsUrl, 'bench-replay', log);
  const db = createKysely<ReadModelDB>(o.databaseUrl, 4);
  try {
    const r = await rebuildReadModel(nc, db, o.databaseUrl, log, { batch: { maxEvents: o.batchMaxEvents, lingerMs: 5 } });
    const s = r.projections.search;
    return {
      events: r.replay.events, seconds: Math.round(r.replay.ms / 100) / 10, eventsPerSec: r.replay.eventsPerSec, batchMaxEvents: o.batchMaxEvents,
      ...(s ? { search: { events: s.events, seconds: Math.round(s.ms / 100) / 10, eventsPerSec: s.eventsPerSec } } : {}),
    };
  } finally {
    await nc.drain().catch(() => {});
    await db.destroy();
  }
}
