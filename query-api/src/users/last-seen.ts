import type { KV } from '@nats-io/kv';

/**
 * When a user's last connection closed, from KV `natter_last_seen` (the edge holding it puts the time on
 * close). Not in the read model: it is not an event, so it is not replayed or rebuilt.
 */
export class LastSeen {
  constructor(private readonly kv: Pick<KV, 'get'>) {}

  async of(userId: string): Promise<string | null> {
    const e = await this.kv.get(userId);
    return e?.operation === 'PUT' ? e.string() : null;
  }
}
