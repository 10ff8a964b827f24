import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from './accounts/accounts.module';
import { MessagesModule } from './messages/messages.module';
import { RoomsModule } from './rooms/rooms.module';
import { CommandEndpoints } from './shared/command-endpoints';
import { CoreModule, type Runtime } from './shared/core.module';
import { HealthController } from './shared/health.controller';

/**
 * The command side. Handlers append through the EventStore (JetStream) themselves; the CQRS EventBus is not
 * used as a store, and nothing in this process depends on in-process event delivery: projectors and edges
 * react to the committed stream.
 */
@Module({})
export class AppModule {
  static forRoot(rt: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), CoreModule.forRoot(rt), AccountsModule, RoomsModule, MessagesModule],
      controllers: [HealthController],
      providers: [CommandEndpoints],
    };
  }
}
