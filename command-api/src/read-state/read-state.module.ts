import { Module } from '@nestjs/common';
import { MarkReadHandler } from './mark-read.handler';

/** Read markers (issue 12): one command, appended to the reader's own subject. */
@Module({ providers: [MarkReadHandler] })
export class ReadStateModule {}
