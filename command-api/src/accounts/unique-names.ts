import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { JetStreamApiError } from '@nats-io/jetstream';
import { NatterError, Username } from '@natter/contracts';
import { BUCKETS, type CommandBuckets } from '../shared/buckets';
import { WRONG_LAST_SEQUENCE } from '../shared/event-store';

/**
 * Username and email reservations in KV `natter_unique`, value = userId. Written with `create`, which is
 * atomic even on a clustered 2.9 server, so of two concurrent registrations exactly one wins. Keys are never
 * deleted: a reservation given up (a registration that failed halfway) is overwritten with TOMBSTONE, and
 * only a tombstoned key can be claimed again (by `update` at the tombstone's revision).
 */
export const TOMBSTONE = '~released';

export const usernameKey = (username: string) => `username.${username.toLowerCase()}`;
export const emailKey = (email: string) => `email.${createHash('sha256').update(email.toLowerCase()).digest('hex')}`;

export class UniqueNames {
  constructor(@Inject(BUCKETS) private readonly buckets: CommandBuckets) {}

  /** Reserve `key` for `userId`; false when someone holds it. */
  async reserve(key: string, userId: string): Promise<boolean> {
    const kv = this.buckets.unique;
    try {
      await kv.create(key, userId);
      return true;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE)) throw err;
    }
    const held = await kv.get(key);
    if (!held || held.operation !== 'PUT' || held.string() !== TOMBSTONE) return false;
    try {
      await kv.update(key, userId, held.revision);
      return true;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return false;
      throw err;
    }
  }

  /** Give a reservation up (overwrite with the tombstone; never delete). Only if `userId` still holds it. */
  async release(key: string, userId: string): Promise<void> {
    const kv = this.buckets.unique;
    const held = await kv.get(key);
    if (held?.operation === 'PUT' && held.string() === userId) await kv.update(key, TOMBSTONE, held.revision);
  }

  /** userId holding a username or (if it contains `@`) an email, case-insensitively; undefined if none. */
  async resolveLogin(login: string): Promise<string | undefined> {
    // Not an email and not a possible username (contracts' Username: a space, a dot, a '>' are not): nobody,
    // and never a KV key that the client refuses as malformed (which surfaced as a 500 on login and password
    // reset requests).
    if (!login.includes('@') && !Username.safeParse(login).success) return undefined;
    const held = await this.buckets.unique.get(login.includes('@') ? emailKey(login) : usernameKey(login));
    if (!held || held.operation !== 'PUT') return undefined;
    const v = held.string();
    return v === TOMBSTONE ? undefined : v;
  }

  static taken(kind: 'username' | 'email'): NatterError {
    return new NatterError(kind === 'username' ? 'username_taken' : 'email_taken');
  }
}
