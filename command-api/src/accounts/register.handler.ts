import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hash } from '@node-rs/argon2';
import { NatterError, newId, Subjects, type AuthTokens } from '@natter/contracts';
import type { Logger } from 'pino';
import { ServerAdmins } from '../admin/server-admins';
import { registrationOpen } from '../admin/server.aggregate';
import type { CommandApiConfig } from '../config';
import { InviteCodes } from '../rooms/invite-codes';
import { RoomAggregate } from '../rooms/room.aggregate';
import { decideRedeemInvite } from '../rooms/room.invites';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, LOGGER } from '../shared/tokens';
import { AccountMail } from './account-mail';
import { CredentialsRepository } from './credentials.repository';
import { RegisterCommand } from './register.command';
import { TokenIssuer } from './token-issuer';
import { emailKey, UniqueNames, usernameKey } from './unique-names';
import { ownProfile, UserAggregate } from './user.aggregate';

/**
 * Registration. Order matters: check the server is open (or the invite code is good), hash, reserve the
 * username, reserve the email, store the hash, then append UserRegistered. A taken name or a closed server
 * answers before anything is appended; a failure after a reservation tombstones the reservations it made
 * (keys are never deleted). The event carries no password or hash.
 * Limited per client address (registerPerAddress) before anything else, the password hash included.
 * Then: server admin for the first account or one named at setup (ServerAdmins.bootstrap), the invite's room
 * joined, a verification link mailed (the outbox; issue 13), and the session started (SessionStarted: its
 * seq is the answer's).
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
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(InviteCodes) private readonly invites: InviteCodes,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(AccountMail) private readonly mail: AccountMail,
  ) {}

  async execute({ input, ip }: RegisterCommand): Promise<AuthTokens> {
    await this.limiter.take(`register:addr:${ip ?? 'unknown'}`, this.config.limits.registerPerAddress);
    // Closed registration: an invite link of any room lets its holder in (and into that room).
    const invite = input.inviteCode ? await this.invites.usable(input.inviteCode) : undefined;
    if (!invite && !registrationOpen(await this.server.state())) throw new NatterError('registration_closed');
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
    let registered;
    try {
      await this.credentials.insert(userId, passwordHash);
      registered = await this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
        if (state.exists) throw new NatterError('conflict', 'User id already used.');
        return {
          events: [{ type: 'UserRegistered', data: { userId, username: input.username, displayName: input.displayName, email: input.email } }],
          reply: (a) => a,
        };
      });
    } catch (err) {
      await Promise.allSettled([this.names.release(uKey, userId), this.names.release(eKey, userId)]);
      throw err;
    }
    await this.server.bootstrap(userId, input.username);
    if (invite) {
      // The account exists now: a room that refuses (the invite used up meanwhile, a ban) leaves it without the room.
      await this.aggregates
        .execute(RoomAggregate, Subjects.roomMeta(invite.roomId), userId, ({ state }) => ({ events: decideRedeemInvite(state, userId, invite.inviteId, new Date()), reply: () => undefined }))
        .catch((err) => this.log.warn({ err, userId, roomId: invite.roomId }, 'invite not redeemed at registration'));
    }
    // The account exists: a verification mail that cannot be queued is logged, and the profile offers a resend.
    await this.mail.verification(registered.state, `verify:${userId}:register`).catch((err) => this.log.error({ err, userId }, 'verification mail not queued'));
    return this.tokens.startSession(ownProfile(registered.state));
  }
}
