/**
 * `npm run backup -- <dir>` / `npm run restore -- <dir> [--replicas=3]`: the NATS half of a Natter backup,
 * for operators without the nats CLI (docs/operations.md gives the nats CLI commands; the layout is the same).
 * Backs up the event stream and the file-backed KV buckets into `<dir>/<stream>/`, or restores them into a
 * NATS that does not have them yet (before `npm run up` provisions it). Uses NATS_URL.
 */
import { connectNats, createLogger } from '@natter/infra/runtime';
import { backupAll, restoreAll } from './ops/stream-backup';

const [command, dir, ...rest] = process.argv.slice(2);
if (!['backup', 'restore'].includes(command ?? '') || !dir) {
  console.error('usage: npm run backup -- <dir> | npm run restore -- <dir> [--replicas=N]');
  process.exit(2);
}
const replicas = Number(rest.find((a) => a.startsWith('--replicas='))?.split('=')[1] ?? 0) || undefined;
const log = createLogger('backup', process.env.LOG_LEVEL ?? 'warn');
const nc = await connectNats(process.env.NATS_URL || 'nats://127.0.0.1:4222', 'natter-backup', log);
try {
  if (command === 'backup') {
    for (const r of await backupAll(nc, dir)) console.log(`backed up ${r.stream}: ${r.state.messages} messages (last seq ${r.state.last_seq}), ${r.bytes} bytes -> ${r.dir}`);
    console.log('Now back up the auth schema of Postgres too: pg_dump --data-only --schema=auth -Fc -f <dir>/auth.pgdump "$DATABASE_URL"');
  } else {
    for (const i of await restoreAll(nc, dir, { replicas })) console.log(`restored ${i.config.name}: ${i.state.messages} messages (last seq ${i.state.last_seq}), R${i.config.num_replicas}`);
    console.log('Next: npm run up (provisions what is missing), pg_restore the auth data, and rebuild the read models (docs/operations.md).');
  }
} catch (err) {
  console.error(`${command} failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
