// Loaded into each Natter service with NODE_OPTIONS=--import (`npm run bench -- --profile`), because
// `--cpu-prof` is not allowed in NODE_OPTIONS. Starts the V8 sampling profiler and writes
// <NATTER_CPU_PROF_DIR>/<service>-<pid>.cpuprofile when the process exits (SIGTERM -> clean close -> exit).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.NATTER_CPU_PROF_DIR;
if (dir) {
  const name = (process.argv[1] ?? 'node').replace(/\/src\/main\.ts$/, '').split('/').pop();
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
