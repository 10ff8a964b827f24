import { Module, type DynamicModule } from '@nestjs/common';
import { DEDUPE_RECORDS, type DedupeRecords } from './dedupe-records';
import { SendMessageHandler } from './send-message.handler';

/** Sends; the KV dedupe records are opened by app.ts before Nest starts and handed in as a value. */
@Module({})
export class MessagesModule {
  static forRoot(dedupe: DedupeRecords): DynamicModule {
    return { module: MessagesModule, providers: [SendMessageHandler, { provide: DEDUPE_RECORDS, useValue: dedupe }] };
  }
}
