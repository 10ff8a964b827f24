import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { Buckets, NatterError, RpcReply, SharesRoomResult, Subjects } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { PresenceAuthorizer, PresenceStore } from '../ports';

/**
 * Presence entries in KV `natter_presence` (memory storage, history 1), written with the wire messages
 * @nats-io/kv sends (a put is a JetStream publish to `$KV.<bucket>.<key>`, a delete the same with header
 * `KV-Operation: DEL`, each answered by a PubAck) through infra's NatsRequester: every connect and disconnect
 * writes one, and the kv library's request path (an Error with a stack trace and a timer per request) was most
 * of what a connect cost the edge, and of the garbage a connect storm left behind. Writes asked for in one turn
 * of the event loop go out together at its end (one socket write for a whole burst of connects, instead of one
 * per connect); their order is kept. Last-seen times (`natter_last_seen`, key = user id) are written the same
 * way when a user's last connection on this node closes.
 */
export class KvPresenceStore implements PresenceStore {
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();
  private readonly empty = new Uint8Array(0);
  private batch: (() => void)[] = [];

  constructor(private readonly requests: NatsRequester) {}

  close(): void {
    this.requests.close();
  }

  put(key: string, value: string): Promise<void> {
    return this.publish(Buckets.presence, key, this.enc.encode(value));
  }

  seen(userId: string, at: string): Promise<void> {
    return this.publish(Buckets.lastSeen, userId, this.enc.encode(at));
  }

  delete(key: string): Promise<void> {
    const h = natsHeaders();
    h.set('KV-Operation', 'DEL');
    return this.publish(Buckets.presence, key, this.empty, h);
  }

  private async publish(bucket: string, key: string, data: Uint8Array, h?: MsgHdrs): Promise<void> {
    await new Promise<void>((go) => {
      if (this.batch.push(go) === 1) setImmediate(() => this.release());
    });
    const m = await this.requests.request(`$KV.${bucket}.${key}`, data, h);
    const ack = JSON.parse(this.dec.decode(m.data)) as { error?: { description?: string } };
    if (ack.error) throw new Error(`${bucket} write refused: ${ack.error.description ?? JSON.stringify(ack.error)}`);
  }

  /** Lets every write of the turn publish, in the order they were asked for (nats.js sends them in one write). */
  private release(): void {
    const go = this.batch;
    this.batch = [];
    for (const g of go) g();
  }
}

/** Shared-room checks from query-api over NATS (`natter.query.shares-room`, queue group `query-api`), via NatsRequester. */
export class NatsPresenceAuthorizer implements PresenceAuthorizer {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs = 5000) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  close(): void {
    this.requests.close();
  }

  async sharesRoom(userId: string, others: string[]): Promise<string[]> {
    const reply = await this.requests.request(Subjects.querySharesRoom, JSON.stringify({ userId, others }));
    const r = RpcReply.parse(reply.json());
    if (!r.ok) throw new NatterError(r.error.code, r.error.message);
    return SharesRoomResult.parse(r.result).shared;
  }
}
