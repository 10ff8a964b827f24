import { Inject, Injectable } from '@nestjs/common';
import { newId } from '@natter/contracts';
import type { Kysely } from 'kysely';
import { KYSELY } from '../shared/tokens';

/** notify.push_subscriptions (infra/migrations/command/007_notifications.sql): command-side, never in the log. */
export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}
export interface PushDB {
  'notify.push_subscriptions': PushSubscriptionsTable;
}

@Injectable()
export class PushSubscriptions {
  constructor(@Inject(KYSELY) private readonly db: Kysely<PushDB>) {}

  /**
   * One row per endpoint (a browser profile): registering it again (new keys, or another person signing in on
   * that browser) moves it to the caller and keeps its id, so a retry answers the same id.
   */
  async upsert(userId: string, endpoint: string, p256dh: string, auth: string): Promise<string> {
    const row = await this.db
      .insertInto('notify.push_subscriptions')
      .values({ id: newId(), user_id: userId, endpoint, p256dh, auth })
      .onConflict((oc) => oc.column('endpoint').doUpdateSet({ user_id: userId, p256dh, auth }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** True when the caller's subscription existed (someone else's is "not found", as a missing one). */
  async remove(userId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('notify.push_subscriptions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
