import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { provisionBuckets } from './buckets';
import { migrate } from './migrate';
import { provisionStreams } from './streams';

/** Everything a fresh deployment needs before services start. Safe to run any number of times. */
export async function provisionAll(nc: NatsConnection, db: Kysely<any>, log: Logger, opts: { replicas?: number } = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm, log, opts);
  await provisionBuckets(nc, log, opts);
  await migrate(db, log);
}
