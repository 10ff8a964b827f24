import { Module, type DynamicModule } from '@nestjs/common';
import { DEDUPE_BACKSTOP, type DedupeBackstop } from './dedupe-backstop';
import { DEDUPE_RECORDS, type DedupeRecords } from './dedupe-records';
import { SendMessageHandler } from './send-message.handler';

/** Sends; the KV dedupe records and their backstop are made by app.ts before Nest starts and handed in as values. */
@Module({})
export class MessagesModule {
  static forRoot(dedupe: DedupeRecords, backstop: DedupeBackstop): DynamicModule {
    return {
      module: MessagesModule,
      providers: [SendMessageHandler, { provide: DEDUPE_RECORDS, useValue: dedupe }, { provide: DEDUPE_BACKSTOP, useValue: backstop }],
    };
  }
}
