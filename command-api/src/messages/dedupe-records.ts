import type { KV } from '@nats-io/kv';
import { Buckets, type MsgDedupeRecord } from '@natter/contracts';
import type { JetStreamWire } from '../shared/event-store';

/**
 * Reads KV natter_msg_dedupe (contracts' MsgDedupe: key `<roomId>.<senderId>.<clientMsgId>`, value JSON
 * MsgDedupeRecord) with the wire message @nats-io/kv sends for `get` (a direct get of the last message on
 * `$KV.<bucket>.<key>`) through JetStreamWire: every send pays for one, and the kv library goes through
 * nats.js's costly `request`. A bucket without allow_direct (older servers) is read through the library.
 * The records are written by the projector (and command-api's DedupeBackstop), from the committed events.
 */
export class DedupeRecords {
  private readonly stream = `KV_${Buckets.msgDedupe}`;
  private readonly dec = new TextDecoder();

  constructor(private readonly kv: KV, private readonly wire: JetStreamWire, private readonly direct: boolean) {}

  static async open(kv: KV, wire: JetStreamWire): Promise<DedupeRecords> {
    const status = await kv.status();
    return new DedupeRecords(kv, wire, status.streamInfo.config.allow_direct === true);
  }

  /** The record, or null when there is none (never written, deleted, purged or expired). */
  async get(key: string): Promise<MsgDedupeRecord | null> {
    if (!this.direct) {
      const e = await this.kv.get(key);
      return e && e.operation === 'PUT' ? e.json<MsgDedupeRecord>() : null;
    }
    const subject = `$KV.${Buckets.msgDedupe}.${key}`;
    const m = await this.wire.directGetLast(this.stream, subject);
    if (!m || m.subject !== subject) return null;
    // Deletes and purges leave a marker whose KV-Operation header says so; an age-out marker (newer
    // servers) says MaxAge. Anything but a plain value means "no record".
    if (m.headers.has('KV-Operation') || m.headers.has('Nats-Marker-Reason')) return null;
    return JSON.parse(this.dec.decode(m.data)) as MsgDedupeRecord;
  }
}

export const DEDUPE_RECORDS = Symbol('DedupeRecords');
