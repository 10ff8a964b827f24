/**
 * `npm run replay -- [--verify] [--swap] [--keep]`: rebuild the chat read model from the event stream (the
 * design is at the top of projectors/src/rebuild/rebuild.ts, which projectors also run for the admin panel).
 */
import { pathToFileURL } from 'node:url';
import { connectNats, createKysely, createLogger, type ReadModelDB } from '@natter/infra/runtime';
import { rebuildReadModel } from '@natter/projectors';

export { compareSchemas, nextReadModelSchema, rebuildReadModel } from '@natter/projectors';
export type { RebuildOptions, RebuildResult, TableComparison } from '@natter/projectors';

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const f of flags) if (!['--verify', '--swap', '--keep'].includes(f)) throw new Error(`unknown flag ${f} (use --verify, --swap, --keep)`);
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
