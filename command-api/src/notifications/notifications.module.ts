import { Module, type DynamicModule } from '@nestjs/common';
import { MESSAGE_READS, type MessageReads } from '../messages/message-reads';
import { MarkNotificationsReadHandler } from './mark-read.handler';
import { MuteThreadHandler, UpdateNotificationSettingsHandler, UpdateRoomNotificationSettingsHandler } from './notification-settings.handler';
import { SubscribePushHandler, UnsubscribePushHandler } from './push-subscriptions.handler';
import { PushSubscriptions } from './push-subscriptions.repository';
import { UnsubscribeEmailHandler } from './unsubscribe-email.handler';

/**
 * Notifications (issue 13): settings and read state as user events; Web Push subscriptions command-side. The
 * read-model reads (app.ts makes them, MessagesModule has the same value) tell a thread mute whether its root
 * is a message of the room.
 */
@Module({})
export class NotificationsModule {
  static forRoot(reads: MessageReads): DynamicModule {
    return {
      module: NotificationsModule,
      providers: [
        UpdateNotificationSettingsHandler, UpdateRoomNotificationSettingsHandler, MuteThreadHandler, MarkNotificationsReadHandler, SubscribePushHandler, UnsubscribePushHandler, UnsubscribeEmailHandler, PushSubscriptions,
        { provide: MESSAGE_READS, useValue: reads },
      ],
    };
  }
}
