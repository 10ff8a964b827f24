import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects } from '@natter/contracts';
import { UserAggregate } from '../accounts/user.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { MarkNotificationsReadCommand } from './mark-read.command';

/**
 * NotificationsRead on the user's subject: the read state is an event, so it survives rebuilds and reaches
 * every device of the user. Naming notifications that do not exist marks nothing (they are the caller's own
 * seqs, filtered by user in the projection).
 */
@CommandHandler(MarkNotificationsReadCommand)
export class MarkNotificationsReadHandler implements ICommandHandler<MarkNotificationsReadCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, input }: MarkNotificationsReadCommand): Promise<{ seq: number }> {
    const { userId } = caller;
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
      if (!state.exists) throw new NatterError('user_not_found');
      const data = input.seqs ? { userId, seqs: [...new Set(input.seqs)] } : { userId, upToSeq: input.upToSeq! };
      return { events: [{ type: 'NotificationsRead', data }], reply: (after) => ({ seq: after.version }) };
    });
  }
}
