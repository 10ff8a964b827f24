import type { KV } from '@nats-io/kv';
import { Buckets, type MsgDedupeRecord } from '@natter/contracts';
import type { JetStreamWire } from '../shared/event-store';

/** The first result of one change to a message (room, user, clientOpId): the seq of its event. */
export interface OpRecord {
  seq: number;
}

/**
 * KV natter_msg_dedupe. Sends: contracts' MsgDedupe (key `<roomId>.<senderId>.<clientMsgId>`, value JSON
 * MsgDedupeRecord), written by the projector (and command-api's DedupeBackstop) from the committed events.
 * Changes to messages: key `op.<roomId>.<userId>.<clientOpId>` with an OpRecord, written here by
 * MessageChanges after the append (the events do not carry the client's operation id).
 *
 * Read and written with the same wire messages @nats-io/kv sends (`get` = direct get of the last message on
 * `$KV.<bucket>.<key>`, `put` = a JetStream publish to it, waiting for the ack), through JetStreamWire: every
 * send pays for one read, and the kv library goes through nats.js's costly `request`. A bucket without
 * allow_direct (older servers) is read through the library.
 */
export class DedupeRecords {
  private readonly stream = `KV_${Buckets.msgDedupe}`;
  private readonly dec = new TextDecoder();
  private readonly enc = new TextEncoder();

  constructor(private readonly kv: KV, private readonly wire: JetStreamWire, private readonly direct: boolean) {}

  static async open(kv: KV, wire: JetStreamWire): Promise<DedupeRecords> {
    const status = await kv.status();
    return new DedupeRecords(kv, wire, status.streamInfo.config.allow_direct === true);
  }

  /** The record, or null when there is none (never written, deleted, purged or expired). */
  async get<R extends object = MsgDedupeRecord>(key: string): Promise<R | null> {
    if (!this.direct) {
      const e = await this.kv.get(key);
      return e && e.operation === 'PUT' ? e.json<R>() : null;
    }
    const subject = `$KV.${Buckets.msgDedupe}.${key}`;
    const m = await this.wire.directGetLast(this.stream, subject);
    if (!m || m.subject !== subject) return null;
    // Deletes and purges leave a marker whose KV-Operation header says so; an age-out marker (newer
    // servers) says MaxAge. Anything but a plain value means "no record".
    if (m.headers.has('KV-Operation') || m.headers.has('Nats-Marker-Reason')) return null;
    return JSON.parse(this.dec.decode(m.data)) as R;
  }

  /** Write an operation's record and resolve once JetStream has stored it. */
  async put(key: string, rec: OpRecord): Promise<void> {
    await this.wire.publish(`$KV.${Buckets.msgDedupe}.${key}`, this.enc.encode(JSON.stringify(rec)));
  }
}

export const DEDUPE_RECORDS = Symbol('DedupeRecords');
