import { Global, Module } from '@nestjs/common';
import { SESSION_GATE } from '../shared/session-gate';
import { CredentialsRepository } from './credentials.repository';
import { LoginHandler } from './login.handler';
import { LoginThrottle } from './login-throttle';
import { LogoutHandler } from './logout.handler';
import { RefreshHandler } from './refresh.handler';
import { RegisterHandler } from './register.handler';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { TokenIssuer } from './token-issuer';
import { UniqueNames } from './unique-names';
import { UpdateProfileHandler } from './update-profile.handler';

export const AccountHandlers = [RegisterHandler, LoginHandler, RefreshHandler, LogoutHandler, UpdateProfileHandler];

/** Global because every authenticated route and every NATS command checks the session (shared's SessionGate). */
@Global()
@Module({
  providers: [
    ...AccountHandlers,
    CredentialsRepository,
    LoginThrottle,
    SessionsRepository,
    SessionChecker,
    TokenIssuer,
    UniqueNames,
    { provide: SESSION_GATE, useExisting: SessionChecker },
  ],
  exports: [SESSION_GATE],
})
export class AccountsModule {}
