import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeRatios, renderMarkdown, type BenchResults } from './results';
import { barChart, lineChart, stackCharts } from './svg';

/** Writes results.json, results.md, ratios.svg and saturation.svg into outDir; returns the markdown. */
export async function writeReport(outDir: string, results: BenchResults, p99LimitMs: number): Promise<string> {
  results.ratios = computeRatios(results);
  const md = renderMarkdown(results);
  await writeFile(join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  await writeFile(join(outDir, 'results.md'), md);
  const ratioItems = Object.entries(results.ratios).filter(([, v]) => v !== null).map(([label, value]) => ({ label: label.replace(/ \(lower bound.*\)$/, ' (≥)'), value: value as number }));
  await writeFile(join(outDir, 'ratios.svg'), barChart('Natter as a ratio of its baselines', ratioItems, 'x'));
  const sat = [results.natter.saturation, results.natter.saturationCluster, results.baselines.rawSaturation].filter((x) => x !== undefined);
  if (sat.length) {
    const latency = sat.map((x) => ({ name: `${x.target} p99${x.target === 'natter' ? ' (admitted)' : ''}`, points: x.steps.map((st) => [st.rate, st.p99] as [number, number]) }));
    const charts = [lineChart('Saturation: p99 latency vs offered send rate (100 rooms x 10)', 'msg/s offered', 'p99 ms', latency, p99LimitMs)];
    const n = results.natter.saturation;
    if (n?.steps.some((st) => st.admittedPerSec !== undefined)) {
      const flow = [
        { name: 'natter admitted', points: n.steps.map((st) => [st.rate, st.admittedPerSec ?? 0] as [number, number]) },
        { name: 'natter shed (overloaded)', points: n.steps.map((st) => [st.rate, st.shedPerSec ?? 0] as [number, number]) },
        { name: 'offered', points: n.steps.map((st) => [st.rate, st.rate] as [number, number]) },
      ];
      charts.push(lineChart('Past the knee: admitted and shed messages vs offered', 'msg/s offered', 'msg/s', flow));
    }
    await writeFile(join(outDir, 'saturation.svg'), stackCharts(charts));
  }
  return md;
}

// Re-render a finished run: npx tsx scripts/src/bench/report/write.ts bench-results/<timestamp>
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as BenchResults;
  await writeReport(dir, results, Number((results.options as { p99LimitMs?: number }).p99LimitMs ?? 200));
  console.log(`re-rendered ${dir}`);
}
