import { Module, type DynamicModule } from '@nestjs/common';
import { DEDUPE_BACKSTOP, type DedupeBackstop } from './dedupe-backstop';
import { DEDUPE_RECORDS, type DedupeRecords } from './dedupe-records';
import { DeleteMessageHandler } from './delete-message.handler';
import { EditMessageHandler } from './edit-message.handler';
import { MessageChanges } from './message-changes';
import { MESSAGE_READS, type MessageReads } from './message-reads';
import { PinMessageHandler } from './pin-message.handler';
import { ReactToMessageHandler } from './react-to-message.handler';
import { SendMessageHandler } from './send-message.handler';
import { UpdateRoomSettingsHandler } from './update-room-settings.handler';

export const MessageHandlers = [SendMessageHandler, EditMessageHandler, DeleteMessageHandler, ReactToMessageHandler, PinMessageHandler, UpdateRoomSettingsHandler];

/**
 * Sends and changes to messages. The KV dedupe records, their backstop and the read-model reads (query-api
 * over NATS) are made by app.ts before Nest starts and handed in as values.
 */
@Module({})
export class MessagesModule {
  static forRoot(dedupe: DedupeRecords, reads: MessageReads, backstop: DedupeBackstop): DynamicModule {
    return {
      module: MessagesModule,
      providers: [
        ...MessageHandlers,
        MessageChanges,
        { provide: DEDUPE_RECORDS, useValue: dedupe },
        { provide: MESSAGE_READS, useValue: reads },
        { provide: DEDUPE_BACKSTOP, useValue: backstop },
      ],
    };
  }
}
