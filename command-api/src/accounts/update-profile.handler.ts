import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type UpdateProfileResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { UpdateProfileCommand } from './update-profile.command';
import { ownProfile, UserAggregate } from './user.aggregate';

/** ProfileUpdated; an unchanged display name appends nothing and answers the current seq. */
@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, input }: UpdateProfileCommand): Promise<UpdateProfileResult> {
    const { userId } = caller;
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
      if (!state.exists) throw new NatterError('user_not_found');
      if (state.deactivated) throw new NatterError('user_deactivated');
      return {
        events: state.displayName === input.displayName ? [] : [{ type: 'ProfileUpdated', data: { userId, displayName: input.displayName } }],
        reply: (after) => ({ user: ownProfile(after.state), seq: after.version }),
      };
    });
  }
}
