import { Command } from '@nestjs/cqrs';
import type { UpdateProfileBody, UserProfile } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export interface UpdateProfileResult {
  user: UserProfile;
  seq: number;
}

export class UpdateProfileCommand extends Command<UpdateProfileResult> {
  constructor(readonly caller: Caller, readonly input: Readonly<UpdateProfileBody>) {
    super();
  }
}
