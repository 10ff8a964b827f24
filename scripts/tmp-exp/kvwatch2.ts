import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Kvm } from '@nats-io/kv';
import { connectNats, provisionBuckets } from '@natter/infra';
import { freePort, waitForJetStream } from '@natter/infra/testing';

const dir = mkdtempSync(join(tmpdir(), 'kvexp-'));
const port = await freePort();
const url = `nats://127.0.0.1:${port}`;
const start = () => spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
let ns = start();
await waitForJetStream(url);
const log = pino({ level: 'info' });
const nc = await connectNats(url, 'exp', log);
await provisionBuckets(nc, log);
const seen: Record<string, string[]> = { natter_revoked: [], natter_presence: [] };
for (const b of Object.keys(seen)) {
  const kv = await new Kvm(nc).open(b);
  const it = await kv.watch();
  (async () => { for await (const e of it) seen[b].push(e.key); console.log(b, 'watch ended'); })().catch((e) => console.log(b, 'watch err', e.message));
  await kv.put('k0', 'x');
}
await new Promise((r) => setTimeout(r, 300));
console.log('before', JSON.stringify(seen));
ns.kill('SIGKILL');
await new Promise((r) => setTimeout(r, 500));
ns = start();
await waitForJetStream(url);
if (process.argv[2] === 'prov') { const nc2 = await connectNats(url, 'prov', log); await provisionBuckets(nc2, log); }
const t0 = Date.now();
for (let i = 1; i <= 40; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  for (const b of Object.keys(seen)) await (await new Kvm(nc).open(b)).put(`k${i}`, 'x').catch((e) => console.log('put err', b, e.message));
  if (i % 5 === 0) console.log(((Date.now() - t0) / 1000).toFixed(0), JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length]))));
}
ns.kill('SIGKILL');
process.exit(0);
