import { Command } from '@nestjs/cqrs';
import type { CreateRoomBody, RoomCommandResult } from '@natter/contracts';
import type { z } from 'zod';
import type { Caller } from '../shared/caller';

export class CreateRoomCommand extends Command<RoomCommandResult> {
  constructor(readonly caller: Caller, readonly input: Readonly<z.output<typeof CreateRoomBody>>) {
    super();
  }
}
