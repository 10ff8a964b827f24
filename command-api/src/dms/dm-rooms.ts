import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { JetStreamApiError } from '@nats-io/jetstream';
import { newId, NatterError } from '@natter/contracts';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { WRONG_LAST_SEQUENCE } from '../shared/event-store';

/** `dm.<sha256 of the sorted member ids, comma-joined>`: one key per set of people, whatever their order. */
export const dmKey = (sortedMembers: readonly string[]) => `dm.${createHash('sha256').update(sortedMembers.join(',')).digest('hex')}`;

/**
 * The room id of each set of people's conversation, reserved in KV `natter_unique` with `create` (atomic,
 * also on a clustered 2.9 server): of two instances starting the same conversation at once, one reserves its
 * new id and the other reads it, so both write into one room. Never deleted or overwritten.
 */
export class DmRooms {
  constructor(@Inject(BUCKETS) private readonly buckets: CommandBuckets) {}

  async roomFor(sortedMembers: readonly string[]): Promise<string> {
    const key = dmKey(sortedMembers);
    const kv = this.buckets.unique;
    const candidate = newId();
    try {
      await kv.create(key, candidate);
      return candidate;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE)) throw err;
    }
    const held = await kv.get(key);
    if (!held || held.operation !== 'PUT') throw new NatterError('conflict', 'The conversation is being created; try again.');
    return held.string();
  }
}
