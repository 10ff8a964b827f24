import type { KV } from '@nats-io/kv';

/** The KV buckets command-api writes (provisioned by infra's provisionAll). */
export interface CommandBuckets {
  /** natter_unique: username/email reservations, written with create only. */
  readonly unique: KV;
  /** natter_msg_dedupe: first result of each (room, sender, clientMsgId). */
  readonly msgDedupe: KV;
  /** natter_revoked: revoked sessions, written with put (recordRevocation) before a logout answers. */
  readonly revoked: KV;
}
export const BUCKETS = Symbol('CommandBuckets');
