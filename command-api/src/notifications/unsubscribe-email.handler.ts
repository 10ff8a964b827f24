import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects } from '@natter/contracts';
import { sql, type Kysely } from 'kysely';
import { UserAggregate } from '../accounts/user.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { KYSELY } from '../shared/tokens';
import { UnsubscribeEmailCommand } from './unsubscribe-email.command';

/**
 * A digest mail's unsubscribe link: the projector stored the SHA-256 of the link's token with the account
 * (notify.email_unsubscribe); the token itself is only in the mail. Turning email off is the same event the
 * settings page appends, so the settings page shows it and the projection stops mailing from that point.
 */
@CommandHandler(UnsubscribeEmailCommand)
export class UnsubscribeEmailHandler implements ICommandHandler<UnsubscribeEmailCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(KYSELY) private readonly db: Kysely<unknown>,
  ) {}

  async execute({ token }: UnsubscribeEmailCommand): Promise<{ ok: true }> {
    const hash = createHash('sha256').update(token).digest('hex');
    const row = (await sql<{ user_id: string }>`select user_id from notify.email_unsubscribe where token_hash = ${hash}`.execute(this.db)).rows[0];
    if (!row) throw new NatterError('not_found', 'This unsubscribe link is not known.');
    const userId = row.user_id;
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
      if (!state.exists) throw new NatterError('not_found');
      return { events: [{ type: 'NotificationSettingsChanged', data: { userId, email: false } }], reply: () => ({ ok: true as const }) };
    });
  }
}
