import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verify } from '@node-rs/argon2';
import { NatterError, Subjects, type AuthTokens } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { LOGIN_LIMITER, type RateLimiter } from '../shared/rate-limiter';
import { CredentialsRepository } from './credentials.repository';
import { LoginCommand } from './login.command';
import { TokenIssuer } from './token-issuer';
import { UniqueNames } from './unique-names';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * Login by username or email (case-insensitive, through the KV reservation). Unknown login and wrong
 * password give the same 401 invalid_credentials. Starts a new session family (SessionStarted).
 * Rate limited per login+IP (10 a minute), before the password is even looked at; login is HTTP only.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(UniqueNames) private readonly names: UniqueNames,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(TokenIssuer) private readonly tokens: TokenIssuer,
    @Inject(LOGIN_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async execute({ input, ip }: LoginCommand): Promise<AuthTokens> {
    this.limiter.take(`${input.login.toLowerCase()}|${ip}`);
    const userId = await this.names.resolveLogin(input.login);
    const passwordHash = userId ? await this.credentials.findHash(userId) : undefined;
    if (!userId || !passwordHash || !(await verify(passwordHash, input.password))) throw new NatterError('invalid_credentials');
    const { state } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!state.exists) throw new NatterError('invalid_credentials');
    if (state.deactivated) throw new NatterError('user_deactivated');
    return this.tokens.startSession(ownProfile(state));
  }
}
