import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verify } from '@node-rs/argon2';
import { NatterError, Subjects, type AuthTokens } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { CredentialsRepository } from './credentials.repository';
import { LoginCommand } from './login.command';
import { LoginThrottle } from './login-throttle';
import { TokenIssuer } from './token-issuer';
import { UniqueNames } from './unique-names';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * Login by username or email (case-insensitive, through the KV reservation). Unknown login and wrong
 * password give the same 401 invalid_credentials. Starts a new session family (SessionStarted).
 * Throttled per address and per account+address (LoginThrottle), before the password is even looked at;
 * login is HTTP only.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(UniqueNames) private readonly names: UniqueNames,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(TokenIssuer) private readonly tokens: TokenIssuer,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
  ) {}

  async execute({ input, ip }: LoginCommand): Promise<AuthTokens> {
    const address = ip ?? 'unknown';
    await this.throttle.takeAttempt(address);
    const userId = await this.names.resolveLogin(input.login);
    const account = userId ?? `login:${input.login.toLowerCase()}`;
    await this.throttle.assertNotBackingOff(account, address);
    const passwordHash = userId ? await this.credentials.findHash(userId) : undefined;
    if (!userId || !passwordHash || !(await verify(passwordHash, input.password))) {
      await this.throttle.failed(account, address);
      throw new NatterError('invalid_credentials');
    }
    await this.throttle.succeeded(account, address);
    const { state } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!state.exists) throw new NatterError('invalid_credentials');
    if (state.deactivated) throw new NatterError('user_deactivated');
    return this.tokens.startSession(ownProfile(state));
  }
}
