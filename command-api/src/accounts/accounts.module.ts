import { Global, Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { CredentialsRepository } from './credentials.repository';
import { LoginHandler } from './login.handler';
import { LogoutHandler } from './logout.handler';
import { RefreshHandler } from './refresh.handler';
import { RegisterHandler } from './register.handler';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { TokenIssuer } from './token-issuer';
import { UniqueNames } from './unique-names';
import { UpdateProfileHandler } from './update-profile.handler';

export const AccountHandlers = [RegisterHandler, LoginHandler, RefreshHandler, LogoutHandler, UpdateProfileHandler];

/** Global because every authenticated route (BearerAuthGuard) and the NATS endpoints check sessions. */
@Global()
@Module({
  controllers: [AccountsController],
  providers: [...AccountHandlers, CredentialsRepository, SessionsRepository, SessionChecker, TokenIssuer, UniqueNames],
  exports: [SessionChecker],
})
export class AccountsModule {}
