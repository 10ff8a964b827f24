/**
 * `npm run replay -- [--projection=chat] [--verify] [--swap] [--keep]`: rebuild a projection's read model by
 * replaying the event stream into a new schema while the live one serves; `--verify` compares the two at the
 * same checkpoint, `--swap` switches to the new one and drops the old. How: projectors/src/runtime/rebuild.ts
 * (which projectors also run for a read-model upgrade and for the admin panel's rebuild button).
 */
import { pathToFileURL } from 'node:url';
import { CHAT_PROJECTION, connectNats, createKysely, createLogger, type ReadModelDB } from '@natter/infra/runtime';
import { rebuildReadModel } from '@natter/projectors';

/** The projections a rebuild knows (one today: every read model table belongs to `chat`). */
const projections = [CHAT_PROJECTION];

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--') && !a.startsWith('--projection=')));
  for (const f of flags) if (!['--verify', '--swap', '--keep'].includes(f)) throw new Error(`unknown flag ${f} (use --projection=<name>, --verify, --swap, --keep)`);
  const projection = argv.find((a) => a.startsWith('--projection='))?.split('=')[1] ?? CHAT_PROJECTION;
  if (!projections.includes(projection)) throw new Error(`unknown projection ${projection} (known: ${projections.join(', ')})`);
  const log = createLogger('replay');
  const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
  const dbUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter';
  const nc = await connectNats(natsUrl, 'replay', log);
  const db = createKysely<ReadModelDB>(dbUrl, 4);
  try {
    const r = await rebuildReadModel(nc, db, dbUrl, log, { verify: flags.has('--verify'), swap: flags.has('--swap'), keep: flags.has('--keep'), dropDelayMs: 2000 });
    return r.equal === false ? 1 : 0;
  } finally {
    await nc.drain().catch(() => {});
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
