import { z } from 'zod';

/**
 * Why someone is notified of a message, strongest first (one notification per person and message; the
 * strongest reason names it): a direct message, an @mention of them, an @room/@here, a reply to their message,
 * a reply in a thread they follow, or any message of a room set to "all".
 */
export const NotificationKind = z.enum(['dm', 'mention', 'room_mention', 'reply', 'thread', 'message']);
export type NotificationKind = z.infer<typeof NotificationKind>;
