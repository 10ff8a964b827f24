import { Module } from '@nestjs/common';
import { DmRooms } from './dm-rooms';
import { SendDirectMessageHandler } from './send-direct-message.handler';

/** Direct messages: the room per set of people (KV reservation) and the first-message creation. */
@Module({ providers: [SendDirectMessageHandler, DmRooms] })
export class DmsModule {}
