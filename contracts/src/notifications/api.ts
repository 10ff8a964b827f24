import { z } from 'zod';
import { Id } from '../ids';
import { Text } from '../text';
import { NotificationKind } from './kinds';
import { EmailDelayMinutes, NotificationLevel, QuietHours, QuietHoursInput } from './settings';

const atLeastOne = (o: object) => Object.values(o).some((v) => v !== undefined);

/** PATCH /api/me/notification-settings: each field present is changed. */
export const NotificationSettingsBody = z
  .strictObject({ level: NotificationLevel.optional(), push: z.boolean().optional(), email: z.boolean().optional(), emailDelayMinutes: EmailDelayMinutes.optional(), quietHours: QuietHoursInput.nullable().optional() })
  .refine(atLeastOne, 'name at least one setting');
export type NotificationSettingsBody = z.infer<typeof NotificationSettingsBody>;

/** PATCH /api/rooms/:roomId/notification-settings: `level` null returns to the user's default. */
const RoomNotificationFields = { level: NotificationLevel.nullable().optional(), muted: z.boolean().optional() };
export const RoomNotificationSettingsBody = z.strictObject(RoomNotificationFields).refine(atLeastOne, 'name at least one setting');
/** The command's input: the body plus the room from the path. */
export const RoomNotificationSettingsInput = z.strictObject({ roomId: Id, ...RoomNotificationFields }).refine((o) => o.level !== undefined || o.muted !== undefined, 'name at least one setting');
export type RoomNotificationSettingsBody = z.infer<typeof RoomNotificationSettingsBody>;

/** PATCH /api/rooms/:roomId/messages/:messageSeq/thread-mute (the message is the thread's root). */
export const ThreadMuteBody = z.strictObject({ muted: z.boolean() });

/** POST /api/me/notifications/read: the notifications named by their seq, or every one up to `upToSeq` (mark all read). */
export const MarkNotificationsReadBody = z
  .strictObject({ seqs: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(200).optional(), upToSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional() })
  .refine((b) => (b.seqs === undefined) !== (b.upToSeq === undefined), 'give either seqs or upToSeq');
export type MarkNotificationsReadBody = z.infer<typeof MarkNotificationsReadBody>;

/**
 * POST /api/me/push-subscriptions: a browser's PushSubscription (`subscription.toJSON()`). The endpoint must be
 * https (the push services browsers use).
 */
export const PushSubscriptionBody = z.strictObject({
  endpoint: Text({ min: 1, max: 2048 }).pipe(z.url({ protocol: /^https$/ })),
  keys: z.strictObject({ p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, 'must be a base64url P-256 public key'), auth: z.string().regex(/^[A-Za-z0-9_-]{16,24}={0,2}$/, 'must be a base64url auth secret') }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const PushSubscriptionResult = z.object({ subscriptionId: Id });
export const NotificationCommandResult = z.object({ seq: z.number().int() });
export const OkResult = z.object({ ok: z.literal(true) });

/** The settings as the client shows them (the user's, and each room override). */
export const NotificationSettingsView = z.object({
  level: NotificationLevel,
  push: z.boolean(),
  email: z.boolean(),
  emailDelayMinutes: z.number().int(),
  quietHours: QuietHours.nullable(),
  rooms: z.array(z.object({ roomId: Id, level: NotificationLevel.nullable(), muted: z.boolean() })),
  mutedThreads: z.array(z.object({ roomId: Id, rootSeq: z.number().int() })),
  asOfSeq: z.number().int(),
});
export type NotificationSettingsView = z.infer<typeof NotificationSettingsView>;

/** One entry of the notification center: named by the seq of the event that caused it. */
export const NotificationView = z.object({
  seq: z.number().int(),
  kind: NotificationKind,
  roomId: Id,
  roomName: z.string().nullable(),
  messageSeq: z.number().int(),
  threadRootSeq: z.number().int().nullable(),
  actorId: Id,
  actorName: z.string().nullable(),
  excerpt: z.string(),
  at: z.string(),
  read: z.boolean(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const NotificationsQuery = z.strictObject({
  minSeq: z.coerce.number().int().nonnegative().optional(),
  /** Older than this notification seq (paging back). */
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  unread: z.enum(['true', 'false']).optional(),
});
export const NotificationsPage = z.object({ items: z.array(NotificationView), unread: z.number().int(), asOfSeq: z.number().int() });
export type NotificationsPage = z.infer<typeof NotificationsPage>;

export const VapidKeyResponse = z.object({ publicKey: z.string().nullable() });

/** What a push message carries (the service worker shows it; `url` opens the message). Collapsed per room by `tag`. */
export const PushPayload = z.object({ title: z.string(), body: z.string(), tag: z.string(), url: z.string(), seq: z.number().int(), roomId: Id, count: z.number().int() });
export type PushPayload = z.infer<typeof PushPayload>;

/** POST /api/notifications/unsubscribe: the token of a digest mail's unsubscribe link (no sign-in needed). */
export const UnsubscribeEmailBody = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be an unsubscribe token') });
