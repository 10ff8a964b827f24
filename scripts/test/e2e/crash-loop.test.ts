import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Launched } from '../support/launcher';

/**
 * A process that cannot come back is not restarted forever: `npm run up` gives up loudly, says which log to
 * read, stops everything and exits non-zero. Here command-api's signing key file is broken while it runs,
 * then command-api is killed: every restart fails at start-up, with backoff, until the 5th crash in 60 s.
 */
let l: Launched | undefined;

afterAll(async () => {
  await l?.destroy();
});

it('a crash loop makes the launcher give up loudly, exit 1, and leave nothing running', async () => {
  l = await Launched.start({ via: 'bootstrap' });
  await l.waitUntilRunning();
  const ports = [...l.unitPorts().values()].flat();
  const commandApi = l.units().get('command-api')!;

  await writeFile(join(l.dataDir, 'keys', 'jwt-private.pem'), 'not a key\n');
  process.kill(commandApi.pid, 'SIGKILL');
  const exit = await l.exited;
  expect(exit).toEqual({ code: 1, signal: null });

  const out = l.output;
  // The backoff doubles between attempts, each attempt is counted on the console...
  expect(out).toMatch(/command-api exited \(signal SIGKILL\); restart 1 in 0\.5s/);
  expect(out).toMatch(/command-api did not come back: command-api exited \(code 1\) before it was ready; see \S+command-api\.log; restart 2 in 1s/);
  expect(out).toMatch(/restart 3 in 2s/);
  expect(out).toMatch(/restart 4 in 4s/);
  expect(out).not.toMatch(/restart 5/);
  // ...and the give-up says why and where to look.
  const logFile = join(l.dataDir, 'logs', 'command-api.log');
  expect(out).toContain(`[natter] command-api crashed 5 times within 60s`);
  expect(out).toContain(`[natter] giving up: read ${logFile} for why`);
  expect(await readFile(logFile, 'utf8')).toMatch(/pkcs8/i); // the log does hold the reason
  // The launcher's own log has every restart.
  const launcherLog = await readFile(join(l.dataDir, 'logs', 'launcher.log'), 'utf8');
  expect(launcherLog.match(/"unit exited: restarting"/g)).toHaveLength(4);
  expect(launcherLog).toMatch(/"crash loop: giving up"/);

  expect(l.leftovers().map((p) => `${p.pid} ${p.argv.join(' ')}`)).toEqual([]);
  expect(l.listeningLeft(ports)).toEqual([]);
}, 180_000);
