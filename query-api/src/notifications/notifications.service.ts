import { type NotificationSettingsView, type NotificationsPage } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { untilOwnCheckpoint } from '../read-model/own-checkpoint';
import type { NotificationsRepository } from './notifications.repository';

/**
 * The notification center and settings reads. Their `asOfSeq` is the notifications projection's checkpoint
 * (its own, not the chat read model's); `minSeq` waits for it, polling, at most Limits.minSeqWaitMsMax, then
 * answers projection_lagging, like every other read.
 */
export class NotificationsService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly pollMs = 25,
  ) {}

  private reach(minSeq: number | undefined): Promise<number> {
    return untilOwnCheckpoint(minSeq, async () => {
      const at = await this.repo.checkpoint();
      return { asOfSeq: at, value: minSeq === undefined || at >= minSeq ? at : undefined };
    }, this.pollMs);
  }

  async list(caller: Caller, q: { minSeq?: number; before?: number; limit: number; unread?: 'true' | 'false' }): Promise<NotificationsPage> {
    const asOfSeq = await this.reach(q.minSeq);
    const [items, unread] = await Promise.all([this.repo.page(caller.userId, { before: q.before, limit: q.limit, unreadOnly: q.unread === 'true' }), this.repo.unreadCount(caller.userId)]);
    return { items, unread, asOfSeq };
  }

  async settings(caller: Caller, minSeq?: number): Promise<NotificationSettingsView> {
    const asOfSeq = await this.reach(minSeq);
    return { ...(await this.repo.settings(caller.userId)), asOfSeq };
  }
}
