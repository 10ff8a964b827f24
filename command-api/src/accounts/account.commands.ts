import type { CommandFactories } from '../shared/command-factories';
import { LoginCommand } from './login.command';
import { LogoutCommand } from './logout.command';
import { RefreshCommand } from './refresh.command';
import { RegisterCommand } from './register.command';
import { UpdateProfileCommand } from './update-profile.command';

/** The accounts commands of contracts' `Commands`, built from their validated input. */
export const accountCommands: CommandFactories<'Register' | 'Login' | 'Refresh' | 'Logout' | 'UpdateProfile'> = {
  Register: (input, { ip }) => new RegisterCommand(input, ip),
  Login: (input, { ip }) => new LoginCommand(input, ip),
  Refresh: ({ refreshToken }, { ip }) => new RefreshCommand(refreshToken, ip),
  Logout: (_input, { caller }) => new LogoutCommand(caller),
  UpdateProfile: (input, { caller }) => new UpdateProfileCommand(caller, input),
};
