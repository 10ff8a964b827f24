import { Command } from '@nestjs/cqrs';
import type { UpdateProfileBody, UpdateProfileResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class UpdateProfileCommand extends Command<UpdateProfileResult> {
  constructor(readonly caller: Caller, readonly input: Readonly<UpdateProfileBody>) {
    super();
  }
}
