import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type ServerSettingsResult } from '@natter/contracts';
import type { z } from 'zod';
import { AggregateRepository } from '../shared/aggregates';
import { decideRegistration, ServerAggregate } from './server.aggregate';
import { UpdateServerSettingsCommand } from './update-server-settings.command';

/** RegistrationChanged (server admin): closed, registering needs an invite code. */
@CommandHandler(UpdateServerSettingsCommand)
export class UpdateServerSettingsHandler implements ICommandHandler<UpdateServerSettingsCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, registrationOpen }: UpdateServerSettingsCommand): Promise<z.infer<typeof ServerSettingsResult>> {
    return this.aggregates.execute(ServerAggregate, Subjects.server, caller.userId, ({ state }) => ({
      events: decideRegistration(state, caller.userId, registrationOpen),
      reply: (after) => ({ registrationOpen: after.state.registrationOpen, seq: after.version }),
    }));
  }
}
