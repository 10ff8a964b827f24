import { Command } from '@nestjs/cqrs';
import type { z } from 'zod';
import type { ServerSettingsResult } from '@natter/contracts';
import type { Caller } from '../shared/caller';

export class UpdateServerSettingsCommand extends Command<z.infer<typeof ServerSettingsResult>> {
  constructor(readonly caller: Caller, readonly registrationOpen: boolean) {
    super();
  }
}
