import type { CommandFactories } from '../shared/command-factories';
import { GrantServerAdminCommand } from './grant-server-admin.command';
import { RebuildReadModelCommand } from './rebuild-read-model.command';
import { RevokeServerAdminCommand } from './revoke-server-admin.command';
import { UpdateServerSettingsCommand } from './update-server-settings.command';

/** The server-administration commands of contracts' `Commands` (user administration is in accounts). */
export const adminCommands: CommandFactories<'GrantServerAdmin' | 'RevokeServerAdmin' | 'UpdateServerSettings' | 'RebuildReadModel'> = {
  GrantServerAdmin: ({ userId }, { caller }) => new GrantServerAdminCommand(caller, userId),
  RevokeServerAdmin: ({ userId }, { caller }) => new RevokeServerAdminCommand(caller, userId),
  UpdateServerSettings: ({ registrationOpen }, { caller }) => new UpdateServerSettingsCommand(caller, registrationOpen),
  RebuildReadModel: (_input, { caller }) => new RebuildReadModelCommand(caller),
};
