import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hash } from '@node-rs/argon2';
import { NatterError, Subjects, type AdminUserResult } from '@natter/contracts';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { CredentialsRepository } from './credentials.repository';
import { ResetPasswordCommand } from './reset-password.command';
import { UserSessions } from './user-sessions';
import { UserAggregate } from './user.aggregate';

/**
 * Set a user's password (server admin): the new argon2id hash replaces the old one in auth.credentials,
 * every session ends (UserSessions), and PasswordReset records that it happened (never the password or hash).
 */
@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(UserSessions) private readonly sessions: UserSessions,
  ) {}

  async execute({ caller, userId, password }: ResetPasswordCommand): Promise<AdminUserResult> {
    await this.server.assertAdmin(caller.userId);
    const target = await this.aggregates.load(UserAggregate, Subjects.user(userId));
    if (!target.state.exists) throw new NatterError('user_not_found');
    await this.credentials.update(userId, await hash(password));
    const seq = await this.sessions.revokeAll(userId, caller.userId, () => [{ type: 'PasswordReset', data: { userId, via: 'admin' } }]);
    return { userId, seq };
  }
}
