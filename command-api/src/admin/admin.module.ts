import { Global, Module } from '@nestjs/common';
import { GrantServerAdminHandler } from './grant-server-admin.handler';
import { RebuildReadModelHandler } from './rebuild-read-model.handler';
import { RevokeServerAdminHandler } from './revoke-server-admin.handler';
import { ServerAdmins } from './server-admins';
import { UpdateServerSettingsHandler } from './update-server-settings.handler';

/**
 * Server administration: the server aggregate (`ev.server`) and its commands. Global because rooms (archive
 * and delete by server admins) and accounts (registration, user administration) ask ServerAdmins.
 */
@Global()
@Module({
  providers: [ServerAdmins, GrantServerAdminHandler, RevokeServerAdminHandler, UpdateServerSettingsHandler, RebuildReadModelHandler],
  exports: [ServerAdmins],
})
export class AdminModule {}
