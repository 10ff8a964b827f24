import { z } from 'zod';
import { Id } from '../ids';
import { NotificationLevel, QuietHours } from '../notifications/settings';
import type { EventDefinitions } from './event-definition';

/**
 * Notification settings and the notification center's read state (issue 13). All on the user's own subject,
 * `ev.user.<userId>`: they concern that user only, their order is the user's, and the per-user delivery seam
 * brings them to every device. The notifications projection folds them in stream order, so who is notified of
 * a message is decided with the settings as they were when the message was sent (a rebuild decides the same).
 * Each field present is the new value; absent fields stay as they were.
 */
export const NotificationEvents = {
  NotificationSettingsChanged: {
    v: 1,
    data: z.object({
      userId: Id,
      level: NotificationLevel.optional(),
      push: z.boolean().optional(),
      email: z.boolean().optional(),
      emailDelayMinutes: z.number().int().optional(),
      /** null: no quiet hours. */
      quietHours: QuietHours.nullable().optional(),
    }),
  },
  /** A room's override: `level` null goes back to the user's default; `muted` silences the room entirely. */
  RoomNotificationSettingsChanged: {
    v: 1,
    data: z.object({ userId: Id, roomId: Id, level: NotificationLevel.nullable().optional(), muted: z.boolean().optional() }),
  },
  /** A thread (named by its root message's seq) muted or unmuted for one user. */
  ThreadMuteChanged: { v: 1, data: z.object({ userId: Id, roomId: Id, rootSeq: z.number().int().positive(), muted: z.boolean() }) },
  /** Notifications marked read: the ones named (by the seq of the event that caused them), or all up to `upToSeq`. */
  NotificationsRead: { v: 1, data: z.object({ userId: Id, seqs: z.array(z.number().int().positive()).optional(), upToSeq: z.number().int().nonnegative().optional() }) },
} as const satisfies EventDefinitions;
