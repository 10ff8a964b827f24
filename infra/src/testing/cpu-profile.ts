import { fileURLToPath } from 'node:url';

/** The parts of a V8 .cpuprofile (`node --cpu-prof`, or the inspector's Profiler.stop) a summary needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const repoRoot = new URL('../../../', import.meta.url).href;
const repoPath = fileURLToPath(repoRoot);

/** Self time in µs per function (`name file:line`, paths relative to node_modules or the repo), and the total. */
export function selfTimes(p: CpuProfile): { self: Map<string, number>; totalUs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/^.*node_modules\//, '').replace(repoRoot, '').replace(repoPath, '');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    totalUs += dt;
  });
  return { self, totalUs };
}

/** The `top` rows of a µs-per-key map as `pct%  ms  key` lines. */
export function formatTop(rows: Map<string, number>, totalUs: number, top: number): string {
  return [...rows]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
    .join('\n');
}
