/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time.
 * Run: npx tsx scripts/src/bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatTop, selfTimes, type CpuProfile } from '@natter/infra/testing';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { self, totalUs } = selfTimes(JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile);
  console.log(`total ${Math.round(totalUs / 1000)} ms sampled`);
  console.log(formatTop(self, totalUs, Number(process.argv[3] ?? 25)));
}
