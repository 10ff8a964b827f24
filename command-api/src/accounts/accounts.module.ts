import { Global, Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { SESSION_GATE } from '../shared/session-gate';
import { AccountMail } from './account-mail';
import { ChangeEmailHandler } from './change-email.handler';
import { CompletePasswordResetHandler } from './complete-password-reset.handler';
import { CredentialsRepository } from './credentials.repository';
import { EmailLinks } from './email-links';
import { DeactivateUserHandler } from './deactivate-user.handler';
import { ForceLogoutHandler } from './force-logout.handler';
import { LoginHandler } from './login.handler';
import { LoginThrottle } from './login-throttle';
import { LogoutHandler } from './logout.handler';
import { ReactivateUserHandler } from './reactivate-user.handler';
import { RefreshHandler } from './refresh.handler';
import { RegisterHandler } from './register.handler';
import { RequestPasswordResetHandler } from './request-password-reset.handler';
import { ResendVerificationHandler } from './resend-verification.handler';
import { ResetPasswordHandler } from './reset-password.handler';
import { SessionChecker } from './session-checker';
import { SessionsRepository } from './sessions.repository';
import { TokenIssuer } from './token-issuer';
import { UniqueNames } from './unique-names';
import { UpdateProfileHandler } from './update-profile.handler';
import { UserSessions } from './user-sessions';
import { VerifyEmailHandler } from './verify-email.handler';

export const AccountHandlers = [
  RegisterHandler, LoginHandler, RefreshHandler, LogoutHandler, UpdateProfileHandler,
  // ---- user administration (issue 11)
  DeactivateUserHandler, ReactivateUserHandler, ForceLogoutHandler, ResetPasswordHandler,
  // ---- email links (issue 13)
  RequestPasswordResetHandler, CompletePasswordResetHandler, VerifyEmailHandler, ResendVerificationHandler, ChangeEmailHandler,
];

/**
 * Global because every authenticated route and every NATS command checks the session (shared's SessionGate).
 * Imports RoomsModule for InviteCodes (registration on a closed server takes an invite code).
 */
@Global()
@Module({
  imports: [RoomsModule],
  providers: [
    ...AccountHandlers,
    AccountMail,
    CredentialsRepository,
    EmailLinks,
    LoginThrottle,
    SessionsRepository,
    SessionChecker,
    TokenIssuer,
    UniqueNames,
    UserSessions,
    { provide: SESSION_GATE, useExisting: SessionChecker },
  ],
  exports: [SESSION_GATE],
})
export class AccountsModule {}
