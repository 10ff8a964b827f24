import type { CommandFactories } from '../shared/command-factories';
import { ChangeEmailCommand } from './change-email.command';
import { CompletePasswordResetCommand } from './complete-password-reset.command';
import { DeactivateUserCommand } from './deactivate-user.command';
import { ForceLogoutCommand } from './force-logout.command';
import { LoginCommand } from './login.command';
import { LogoutCommand } from './logout.command';
import { ReactivateUserCommand } from './reactivate-user.command';
import { RefreshCommand } from './refresh.command';
import { RegisterCommand } from './register.command';
import { RequestPasswordResetCommand } from './request-password-reset.command';
import { ResendVerificationCommand } from './resend-verification.command';
import { ResetPasswordCommand } from './reset-password.command';
import { UpdateProfileCommand } from './update-profile.command';
import { VerifyEmailCommand } from './verify-email.command';

type AccountCommandName = 'Register' | 'Login' | 'Refresh' | 'Logout' | 'UpdateProfile' | 'DeactivateUser' | 'ReactivateUser' | 'ForceLogout' | 'ResetPassword'
  | 'RequestPasswordReset' | 'CompletePasswordReset' | 'VerifyEmail' | 'ResendVerification' | 'ChangeEmail';

/** The accounts commands of contracts' `Commands` (the user-administration ones included), built from their validated input. */
export const accountCommands: CommandFactories<AccountCommandName> = {
  Register: (input, { ip }) => new RegisterCommand(input, ip),
  Login: (input, { ip }) => new LoginCommand(input, ip),
  Refresh: ({ refreshToken }, { ip }) => new RefreshCommand(refreshToken, ip),
  Logout: (_input, { caller }) => new LogoutCommand(caller),
  UpdateProfile: (input, { caller }) => new UpdateProfileCommand(caller, input),
  DeactivateUser: ({ userId }, { caller }) => new DeactivateUserCommand(caller, userId),
  ReactivateUser: ({ userId }, { caller }) => new ReactivateUserCommand(caller, userId),
  ForceLogout: ({ userId }, { caller }) => new ForceLogoutCommand(caller, userId),
  ResetPassword: ({ userId, password }, { caller }) => new ResetPasswordCommand(caller, userId, password),
  // ---- email links (issue 13)
  RequestPasswordReset: ({ login }, { ip }) => new RequestPasswordResetCommand(login, ip),
  CompletePasswordReset: (input, { ip }) => new CompletePasswordResetCommand(input, ip),
  VerifyEmail: ({ token }, { ip }) => new VerifyEmailCommand(token, ip),
  ResendVerification: (_input, { caller }) => new ResendVerificationCommand(caller),
  ChangeEmail: (input, { caller }) => new ChangeEmailCommand(caller, input),
};
