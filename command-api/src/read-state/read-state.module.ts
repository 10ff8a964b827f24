import { Module, type DynamicModule } from '@nestjs/common';
import { MESSAGE_READS, type MessageReads } from '../messages/message-reads';
import { MarkReadHandler } from './mark-read.handler';

/**
 * Read markers (issue 12): one command, appended to the reader's own subject. The read-model reads (app.ts
 * makes them, MessagesModule has the same value) tell a thread's marker whether its root is a message there.
 */
@Module({})
export class ReadStateModule {
  static forRoot(reads: MessageReads): DynamicModule {
    return { module: ReadStateModule, providers: [MarkReadHandler, { provide: MESSAGE_READS, useValue: reads }] };
  }
}
