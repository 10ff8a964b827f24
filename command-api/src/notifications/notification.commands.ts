import type { CommandFactories } from '../shared/command-factories';
import { MarkNotificationsReadCommand } from './mark-read.command';
import { MuteThreadCommand, UpdateNotificationSettingsCommand, UpdateRoomNotificationSettingsCommand } from './notification-settings.command';
import { SubscribePushCommand, UnsubscribePushCommand } from './push-subscriptions.command';
import { UnsubscribeEmailCommand } from './unsubscribe-email.command';

type NotificationCommandName = 'UpdateNotificationSettings' | 'UpdateRoomNotificationSettings' | 'MuteThread' | 'MarkNotificationsRead' | 'SubscribePush' | 'UnsubscribePush' | 'UnsubscribeEmail';

export const notificationCommands: CommandFactories<NotificationCommandName> = {
  UpdateNotificationSettings: (input, { caller }) => new UpdateNotificationSettingsCommand(caller, input),
  UpdateRoomNotificationSettings: ({ roomId, level, muted }, { caller }) => new UpdateRoomNotificationSettingsCommand(caller, roomId, level, muted),
  MuteThread: ({ roomId, messageSeq, muted }, { caller }) => new MuteThreadCommand(caller, roomId, messageSeq, muted),
  MarkNotificationsRead: (input, { caller }) => new MarkNotificationsReadCommand(caller, input),
  SubscribePush: (input, { caller }) => new SubscribePushCommand(caller, input),
  UnsubscribePush: ({ subscriptionId }, { caller }) => new UnsubscribePushCommand(caller, subscriptionId),
  UnsubscribeEmail: ({ token }) => new UnsubscribeEmailCommand(token),
};
