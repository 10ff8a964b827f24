import { Body, Controller, Delete, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AddMemberBody, CreateRoomBody, parseOrThrow, type RoomCommandResult } from '@natter/contracts';
import { BearerAuthGuard, CurrentCaller } from '../shared/auth.guard';
import type { Caller } from '../shared/caller';
import { CommandRunner } from '../shared/command-runner';
import { idParams, noBody } from '../shared/params';
import { AddMemberCommand } from './add-member.command';
import { CreateRoomCommand } from './create-room.command';
import { JoinRoomCommand } from './join-room.command';
import { LeaveRoomCommand } from './leave-room.command';
import { RemoveMemberCommand } from './remove-member.command';

@Controller('api/rooms')
@UseGuards(BearerAuthGuard)
export class RoomsController {
  constructor(@Inject(CommandRunner) private readonly commands: CommandRunner) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RoomCommandResult> {
    return this.commands.run(new CreateRoomCommand(caller, parseOrThrow(CreateRoomBody, body)), 'http');
  }

  @Post(':roomId/join')
  @HttpCode(200)
  join(@Param() params: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RoomCommandResult> {
    const { roomId } = idParams(params, 'roomId');
    noBody(body);
    return this.commands.run(new JoinRoomCommand(caller, roomId), 'http');
  }

  @Post(':roomId/leave')
  @HttpCode(200)
  leave(@Param() params: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RoomCommandResult> {
    const { roomId } = idParams(params, 'roomId');
    noBody(body);
    return this.commands.run(new LeaveRoomCommand(caller, roomId), 'http');
  }

  @Post(':roomId/members')
  @HttpCode(200)
  addMember(@Param() params: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RoomCommandResult> {
    const { roomId } = idParams(params, 'roomId');
    const { userId } = parseOrThrow(AddMemberBody, body);
    return this.commands.run(new AddMemberCommand(caller, roomId, userId), 'http');
  }

  @Delete(':roomId/members/:userId')
  @HttpCode(200)
  removeMember(@Param() params: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RoomCommandResult> {
    const { roomId, userId } = idParams(params, 'roomId', 'userId');
    noBody(body);
    return this.commands.run(new RemoveMemberCommand(caller, roomId, userId), 'http');
  }
}
