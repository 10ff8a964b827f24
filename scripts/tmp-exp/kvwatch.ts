import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { connectNats, openPresence, provisionBuckets, watchPresence } from '@natter/infra';
import { freePort, waitForJetStream } from '@natter/infra/testing';

const dir = mkdtempSync(join(tmpdir(), 'kvexp-'));
const port = await freePort();
const url = `nats://127.0.0.1:${port}`;
const start = () => spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
let ns = start();
await waitForJetStream(url);
const log = pino({ level: 'debug' });
const nc = await connectNats(url, 'exp', log);
await provisionBuckets(nc, log);
const w = watchPresence(nc, log, { pruneEveryMs: 1000 });
await w.ready;
const kv = await openPresence(nc);
const entry = (u: string) => JSON.stringify({ userId: u, node: 'n', connectedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString(), staleAfterMs: 45000 });
await kv.put('aaaa.c1', entry('aaaa')).catch((e) => console.log('put1', e.message));
await new Promise((r) => setTimeout(r, 500));
console.log('before kill size', w.directory.size);
ns.kill('SIGKILL');
await new Promise((r) => setTimeout(r, 500));
ns = start();
await waitForJetStream(url);
const nc2 = await connectNats(url, 'prov', log);
await provisionBuckets(nc2, log);
for (let i = 0; i < 10; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  await kv.put(`bbbb.c${i}`, entry('bbbb')).then(() => console.log('put ok'), (e) => console.log('put err', e.message));
  console.log('size', w.directory.size);
}
ns.kill('SIGKILL');
process.exit(0);
