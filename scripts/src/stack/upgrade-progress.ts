import { activeReadModelSchema, createKysely, currentReadModelBuild, readModelVersionOf } from '@natter/infra/runtime';
import { READ_MODEL_VERSION } from '@natter/infra/provision';

/**
 * While the projectors rebuild a read model of an older version into READ_MODEL_VERSION (they do it on start,
 * projectors/src/runtime/upgrade.ts), say how far they are: one line per 5% or 10 s, then one when the new
 * version is live. Returns at once when the live read model is current. stop() ends the watch.
 */
export async function watchReadModelUpgrade(databaseUrl: string, say: (line: string) => void, everyMs = 1000): Promise<{ stop(): Promise<void> }> {
  const db = createKysely<any>(databaseUrl, 1);
  const from: string | null = await activeReadModelSchema(db).catch(() => null);
  const version = from === null ? null : readModelVersionOf(from);
  if (from === null || version === null || version >= READ_MODEL_VERSION) {
    await db.destroy();
    return { stop: async () => {} };
  }
  const label = `rebuilding read models (v${version} -> v${READ_MODEL_VERSION}, by replay; reads answer 503 until it is done)`;
  say(`${label}: starting`);
  const t0 = Date.now();
  let said = { at: Date.now(), percent: 0 };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, everyMs));
      const live: string = await activeReadModelSchema(db).catch(() => from);
      if (live !== from) {
        say(`read models rebuilt: ${from} -> ${live} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        return;
      }
      const b = await currentReadModelBuild(db).catch(() => null);
      const percent = b ? Math.floor(b.progress * 100) : 0;
      if (percent >= said.percent + 5 || Date.now() - said.at >= 10_000) {
        say(`${label}: ${percent}%${b ? ` (${b.appliedSeq} of ${b.targetSeq} events)` : ''}`);
        said = { at: Date.now(), percent };
      }
    }
  })().finally(() => db.destroy());
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
