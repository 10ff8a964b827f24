import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hash } from '@node-rs/argon2';
import { NatterError, newId, Subjects, type AuthTokens } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { CredentialsRepository } from './credentials.repository';
import { RegisterCommand } from './register.command';
import { TokenIssuer } from './token-issuer';
import { emailKey, UniqueNames, usernameKey } from './unique-names';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * Registration. Order matters: hash, reserve the username, reserve the email, store the hash, then append
 * UserRegistered. A taken name answers 409 before anything is appended; a failure after a reservation
 * tombstones the reservations it made (keys are never deleted). The event carries no password or hash.
 * Limited per client address (registerPerAddress) before anything else, the password hash included.
 */
@CommandHandler(RegisterCommand)
export class RegisterHandler implements ICommandHandler<RegisterCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(UniqueNames) private readonly names: UniqueNames,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(TokenIssuer) private readonly tokens: TokenIssuer,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async execute({ input, ip }: RegisterCommand): Promise<AuthTokens> {
    await this.limiter.take(`register:addr:${ip ?? 'unknown'}`, this.config.limits.registerPerAddress);
    const userId = newId();
    // @node-rs/argon2 defaults to argon2id (its Algorithm is a const enum, unusable under isolatedModules).
    const passwordHash = await hash(input.password);
    const uKey = usernameKey(input.username);
    const eKey = emailKey(input.email);
    if (!(await this.names.reserve(uKey, userId))) throw UniqueNames.taken('username');
    if (!(await this.names.reserve(eKey, userId))) {
      await this.names.release(uKey, userId);
      throw UniqueNames.taken('email');
    }
    try {
      await this.credentials.insert(userId, passwordHash);
      const after = await this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
        if (state.exists) throw new NatterError('conflict', 'User id already used.');
        return {
          events: [{ type: 'UserRegistered', data: { userId, username: input.username, displayName: input.displayName, email: input.email } }],
          reply: (a) => a,
        };
      });
      return await this.tokens.startSession(ownProfile(after.state), after.version);
    } catch (err) {
      await Promise.allSettled([this.names.release(uKey, userId), this.names.release(eKey, userId)]);
      throw err;
    }
  }
}
