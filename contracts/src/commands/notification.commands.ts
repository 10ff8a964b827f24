import { z } from 'zod';
import { MessageSeqRef } from '../api/message-changes';
import { Id } from '../ids';
import {
  MarkNotificationsReadBody,
  NotificationCommandResult,
  NotificationSettingsBody,
  OkResult,
  PushSubscriptionBody,
  PushSubscriptionResult,
  RoomNotificationSettingsBody,
  RoomNotificationSettingsInput,
  ThreadMuteBody,
  UnsubscribeEmailBody,
} from '../notifications/api';
import type { CommandDefinitions } from './command-definition';

/** Notifications (issue 13): settings and read state on `ev.user.<userId>`; push subscriptions in a command-side table. */
export const NotificationCommands = {
  UpdateNotificationSettings: {
    input: NotificationSettingsBody, result: NotificationCommandResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/me/notification-settings', body: NotificationSettingsBody, status: 200 },
    summary: 'Change your notification settings', description: 'Level (all / mentions / nothing), push, email and its delay, quiet hours in your time zone.',
    resultDescription: 'Changed; read them back with minSeq = seq.', errors: ['conflict'],
  },
  UpdateRoomNotificationSettings: {
    input: RoomNotificationSettingsInput, result: NotificationCommandResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId/notification-settings', body: RoomNotificationSettingsBody, status: 200 },
    summary: 'Change a room\'s notifications for you', description: 'Its level (null: your default) or mute it.',
    resultDescription: 'Changed.', errors: ['room_not_found', 'not_member', 'conflict'],
  },
  MuteThread: {
    input: ThreadMuteBody.extend({ roomId: Id, messageSeq: MessageSeqRef }), result: NotificationCommandResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/rooms/:roomId/messages/:messageSeq/thread-mute', body: ThreadMuteBody, status: 200 },
    summary: 'Mute or unmute a thread for you', description: 'The message is the thread\'s root, or any reply in it (the thread it is in is muted). A muted thread notifies you of nothing, mentions included.',
    resultDescription: 'Changed.', errors: ['room_not_found', 'not_member', 'message_not_found', 'conflict'],
  },
  MarkNotificationsRead: {
    input: MarkNotificationsReadBody, result: NotificationCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/me/notifications/read', body: MarkNotificationsReadBody, status: 200 },
    summary: 'Mark notifications read', description: 'The ones named by `seqs`, or all up to `upToSeq` (mark all read: the newest seq you have seen).',
    resultDescription: 'Marked.', errors: ['conflict'],
  },
  SubscribePush: {
    input: PushSubscriptionBody, result: PushSubscriptionResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/me/push-subscriptions', body: PushSubscriptionBody, status: 201 },
    summary: 'Register this browser for Web Push', description: 'The PushSubscription of the browser (subscription.toJSON()), made with the server\'s VAPID key (GET /api/push/vapid-key). Registering the same endpoint again moves it to you and answers the same id.',
    resultDescription: 'Registered.', errors: [],
  },
  UnsubscribePush: {
    input: z.strictObject({ subscriptionId: Id }), result: OkResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/me/push-subscriptions/:subscriptionId', status: 200 },
    summary: 'Stop Web Push to a browser', resultDescription: 'Removed.', errors: ['not_found'],
  },
  UnsubscribeEmail: {
    input: UnsubscribeEmailBody, result: OkResult, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/notifications/unsubscribe', body: UnsubscribeEmailBody, status: 200 },
    summary: 'Stop notification emails (the link in a digest mail)', description: 'Turns email notifications off for the account the link was sent to; no sign-in needed. Any link of any digest works, again and again.',
    resultDescription: 'Email notifications are off.', errors: ['not_found'],
  },
} as const satisfies CommandDefinitions;
