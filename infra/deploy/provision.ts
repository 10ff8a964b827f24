/**
 * The provisioning step of a deployment (compose's `provision` service, the Kubernetes Job): streams, KV
 * buckets and Postgres migrations, idempotently, then exit 0. NATTER_STREAM_REPLICAS: 1 on a single NATS
 * node, 3 on a cluster. Bundled into the projectors image as provision.mjs (infra/deploy/bundle.mjs).
 */
import { connect } from '@nats-io/transport-node';
import { createKysely, createLogger, envInt } from '@natter/infra/runtime';
import { provisionAll } from '@natter/infra/provision';

const log = createLogger('provision');
const env = process.env;
const replicas = envInt(env, 'NATTER_STREAM_REPLICAS', 1, 1, 5);
const nc = await connect({ servers: (env.NATS_URL || 'nats://127.0.0.1:4222').split(','), maxReconnectAttempts: 30, reconnectTimeWait: 1000 });
const db = createKysely<any>(env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter', 2);
try {
  await provisionAll(nc, db, log, { replicas });
  log.info({ replicas }, 'provisioned');
} catch (err) {
  log.fatal({ err }, 'provisioning failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
  await nc.close();
}
