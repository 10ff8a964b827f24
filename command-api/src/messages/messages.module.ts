import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller';
import { SendMessageHandler } from './send-message.handler';

@Module({ controllers: [MessagesController], providers: [SendMessageHandler] })
export class MessagesModule {}
