import { Module } from '@nestjs/common';
import { MarkNotificationsReadHandler } from './mark-read.handler';
import { MuteThreadHandler, UpdateNotificationSettingsHandler, UpdateRoomNotificationSettingsHandler } from './notification-settings.handler';
import { SubscribePushHandler, UnsubscribePushHandler } from './push-subscriptions.handler';
import { PushSubscriptions } from './push-subscriptions.repository';
import { UnsubscribeEmailHandler } from './unsubscribe-email.handler';

/** Notifications (issue 13): settings and read state as user events; Web Push subscriptions command-side. */
@Module({
  providers: [UpdateNotificationSettingsHandler, UpdateRoomNotificationSettingsHandler, MuteThreadHandler, MarkNotificationsReadHandler, SubscribePushHandler, UnsubscribePushHandler, UnsubscribeEmailHandler, PushSubscriptions],
})
export class NotificationsModule {}
