import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatterError, RpcReply, SharesRoomResult, Subjects } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { PresenceAuthorizer, PresenceStore } from '../ports';

/** Presence entries in KV `natter_presence` (memory storage, history 1); last-seen times in `natter_last_seen`. */
export class KvPresenceStore implements PresenceStore {
  constructor(private readonly kv: KV, private readonly lastSeen: KV) {}

  async seen(userId: string, at: string): Promise<void> {
    await this.lastSeen.put(userId, at);
  }

  async put(key: string, value: string): Promise<void> {
    await this.kv.put(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
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
