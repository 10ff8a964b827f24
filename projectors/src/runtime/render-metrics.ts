import type { Registry } from '@natter/infra/runtime';

/**
 * One /metrics response from several registries whose metrics share names (one ProjectorMetrics per
 * projection, told apart by the `projection` label): every metric family once (HELP and TYPE once), with the
 * samples of every registry together under it, as the text format wants. prom-client's Registry.merge
 * refuses metrics of the same name.
 */
export async function renderMetrics(registries: Registry[]): Promise<string> {
  const families = new Map<string, { meta: string[]; samples: string[] }>();
  for (const r of registries) {
    let current: { meta: string[]; samples: string[] } | undefined;
    for (const line of (await r.metrics()).split('\n')) {
      if (!line) continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        let f = families.get(meta[2]);
        if (!f) families.set(meta[2], (f = { meta: [], samples: [] }));
        if (f.meta.length < 2 && !f.meta.some((m) => m.startsWith(`# ${meta[1]} `))) f.meta.push(line);
        current = f;
      } else current?.samples.push(line);
    }
  }
  return [...families.values()].flatMap((f) => [...f.meta, ...f.samples]).join('\n') + '\n';
}
