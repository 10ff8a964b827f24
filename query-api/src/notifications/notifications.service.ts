import { Limits, NatterError, type NotificationSettingsView, type NotificationsPage } from '@natter/contracts';
import type { Caller } from '../http/auth';
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

  private async reach(minSeq: number | undefined): Promise<number> {
    let at = await this.repo.checkpoint();
    if (minSeq === undefined || at >= minSeq) return at;
    const until = Date.now() + Limits.minSeqWaitMsMax;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      at = await this.repo.checkpoint();
      if (at >= minSeq) return at;
    }
    throw new NatterError('projection_lagging', undefined, { minSeq, asOfSeq: at, waitedMs: Limits.minSeqWaitMsMax });
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
