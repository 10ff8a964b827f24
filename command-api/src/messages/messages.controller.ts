import { Body, Controller, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { parseOrThrow, SendMessageBody, type SendMessageResult } from '@natter/contracts';
import type { HttpReply } from '../shared/http-types';
import { BearerAuthGuard, CurrentCaller } from '../shared/auth.guard';
import type { Caller } from '../shared/caller';
import { CommandRunner } from '../shared/command-runner';
import { idParams } from '../shared/params';
import { SendMessageCommand } from './send-message.command';

@Controller('api/rooms')
@UseGuards(BearerAuthGuard)
export class MessagesController {
  constructor(@Inject(CommandRunner) private readonly commands: CommandRunner) {}

  /** 201 for a new message, 200 with `duplicate: true` for a retry of a stored one. */
  @Post(':roomId/messages')
  async send(
    @Param() params: unknown,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: HttpReply,
  ): Promise<SendMessageResult> {
    const { roomId } = idParams(params, 'roomId');
    const input = parseOrThrow(SendMessageBody, body);
    const result = await this.commands.run(new SendMessageCommand(caller, roomId, input.clientMsgId, input.text), 'http');
    void reply.status(result.duplicate ? 200 : 201);
    return result;
  }
}
