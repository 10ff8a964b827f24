import { Buckets, MsgDedupe, type MsgDedupeRecord, type StoredEvent } from '@natter/contracts';
import type { NatsRequester } from './nats-requests';

/**
 * Writes records of KV `natter_msg_dedupe` (contracts' MsgDedupe) with the wire message @nats-io/kv sends for
 * a put (a JetStream publish to `$KV.<bucket>.<key>`, answered by a PubAck), through a NatsRequester: many at
 * once, pipelined (one socket write for a batch), resolving once all are stored and rejecting if any is not.
 * A put of a key that exists stores the same value again (the record follows from the event), so writers may
 * overlap: the projector, command-api's backstop, a rebuild.
 */
export class MsgDedupeWriter {
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();

  constructor(private readonly requests: NatsRequester) {}

  async put(records: { key: string; record: MsgDedupeRecord }[]): Promise<void> {
    const acks = await Promise.all(records.map(({ key, record }) => this.requests.request(`$KV.${Buckets.msgDedupe}.${key}`, this.enc.encode(JSON.stringify(record)))));
    for (const m of acks) {
      const ack = JSON.parse(this.dec.decode(m.data)) as { seq?: number; error?: { description?: string } };
      if (ack.error || typeof ack.seq !== 'number') throw new Error(`dedupe record not stored: ${ack.error?.description ?? this.dec.decode(m.data)}`);
    }
  }

  /**
   * The records of the MessageSent events among `events` still inside the bucket's TTL (older ones would only
   * come back to life for another week), stored.
   */
  async putSends(events: readonly StoredEvent[], nowMs = Date.now()): Promise<number> {
    const records: { key: string; record: MsgDedupeRecord }[] = [];
    for (const e of events) {
      if (e.type !== 'MessageSent' || nowMs - Date.parse(e.at) >= MsgDedupe.ttlMs) continue;
      const d = (e as StoredEvent<'MessageSent'>).data;
      records.push({ key: MsgDedupe.key(d.roomId, d.senderId, d.clientMsgId), record: MsgDedupe.record(e as StoredEvent<'MessageSent'>) });
    }
    if (records.length) await this.put(records);
    return records.length;
  }
}
