import { Module } from '@nestjs/common';
import { AddMemberHandler } from './add-member.handler';
import { CreateRoomHandler } from './create-room.handler';
import { JoinRoomHandler } from './join-room.handler';
import { LeaveRoomHandler } from './leave-room.handler';
import { RemoveMemberHandler } from './remove-member.handler';

export const RoomHandlers = [CreateRoomHandler, JoinRoomHandler, LeaveRoomHandler, AddMemberHandler, RemoveMemberHandler];

@Module({ providers: RoomHandlers })
export class RoomsModule {}
