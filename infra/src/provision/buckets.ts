import { StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { Buckets, Limits, MsgDedupe, ObjectStores } from '@natter/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/**
 * KV buckets. `unique` keeps every reservation forever (history 1, no TTL); `msgDedupe` remembers a
 * clientMsgId for a week, well past the stream's duplicate window; `presence` is memory storage whose
 * entries expire after about three edge heartbeats (readers also treat stale entries as gone: on 2.9 an
 * expiry emits no watch event); `revoked` holds session/user revocations for a little longer than an access
 * token lives (watchers prune by each entry's own `expiresAt`, for the same reason); `lastSeen` keeps, per user,
 * when their last connection closed (file, no TTL).
 */
export const PresenceTtlMs = 45_000;
export const RevokedTtlMs = (Limits.accessTokenSeconds + 5 * 60) * 1000;

export async function provisionBuckets(nc: NatsConnection, log: Logger, opts: { replicas?: number } = {}): Promise<void> {
  const kvm = new Kvm(nc);
  const replicas = opts.replicas ?? 1;
  await kvm.create(Buckets.unique, { history: 1, replicas, storage: StorageType.File });
  await kvm.create(Buckets.msgDedupe, { history: 1, replicas, ttl: MsgDedupe.ttlMs });
  await kvm.create(Buckets.presence, { history: 1, replicas, ttl: PresenceTtlMs, storage: StorageType.Memory });
  await kvm.create(Buckets.revoked, { history: 1, replicas, ttl: RevokedTtlMs, storage: StorageType.File });
  await kvm.create(Buckets.lastSeen, { history: 1, replicas, storage: StorageType.File });
  log.info({ buckets: Object.values(Buckets) }, 'kv buckets present');
  // Uploaded files (issue 13): an Object Store bucket, file storage, no TTL (a file lives until its message is
  // deleted). Objm.create opens an existing bucket as it is.
  await new Objm(nc).create(ObjectStores.files, { storage: StorageType.File, replicas });
  log.info({ bucket: ObjectStores.files }, 'object store present');
}
