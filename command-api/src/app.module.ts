import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { accountCommands } from './accounts/account.commands';
import { adminCommands } from './admin/admin.commands';
import { AdminModule } from './admin/admin.module';
import { dmCommands } from './dms/dm.commands';
import { DmsModule } from './dms/dms.module';
import { AccountsModule } from './accounts/accounts.module';
import type { AuthDB } from './accounts/auth.tables';
import type { DedupeBackstop } from './messages/dedupe-backstop';
import type { DedupeRecords } from './messages/dedupe-records';
import type { MessageReads } from './messages/message-reads';
import { messageCommands } from './messages/message.commands';
import { MessagesModule } from './messages/messages.module';
import { readStateCommands } from './read-state/read-state.commands';
import { ReadStateModule } from './read-state/read-state.module';
import { notificationCommands } from './notifications/notification.commands';
import { NotificationsModule } from './notifications/notifications.module';
import { roomCommands } from './rooms/room.commands';
import { RoomsModule } from './rooms/rooms.module';
import { BearerAuth } from './shared/auth.guard';
import { CommandEndpoints } from './shared/command-endpoints';
import { COMMAND_FACTORIES, type CommandFactories } from './shared/command-factories';
import { CommandRoutes } from './shared/command-routes';
import { CoreModule, type Runtime } from './shared/core.module';
import { HealthController } from './shared/health.controller';

/** What app.ts hands to Nest: the shared runtime plus what the messages feature needs (dedupe records, read-model reads). */
export interface AppRuntime extends Runtime<AuthDB> {
  dedupe: DedupeRecords;
  messageReads: MessageReads;
  backstop: DedupeBackstop;
}

/** One factory per entry of contracts' `Commands`: the compiler refuses a command without one. */
const commandFactories: CommandFactories = { ...accountCommands, ...roomCommands, ...messageCommands, ...dmCommands, ...readStateCommands, ...adminCommands, ...notificationCommands };

/**
 * The command side: the features register their handlers (their modules) and their command factories (the
 * table above); `shared/` serves every command over HTTP (CommandRoutes) and NATS (CommandEndpoints) from
 * contracts' `Commands` and that table, and knows no feature. Handlers append through the EventStore
 * (JetStream) themselves; the CQRS EventBus is not used as a store, and nothing in this process depends on
 * in-process event delivery: projectors and edges react to the committed stream.
 */
@Module({})
export class AppModule {
  static forRoot(rt: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), CoreModule.forRoot(rt), AdminModule, AccountsModule, RoomsModule, MessagesModule.forRoot(rt.dedupe, rt.messageReads, rt.backstop), DmsModule, ReadStateModule.forRoot(rt.messageReads), NotificationsModule.forRoot(rt.messageReads)],
      controllers: [HealthController],
      providers: [{ provide: COMMAND_FACTORIES, useValue: commandFactories }, BearerAuth, CommandRoutes, CommandEndpoints],
    };
  }
}
