import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type NewEvent, type UpdateProfileResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { UpdateProfileCommand } from './update-profile.command';
import { ownProfile, UserAggregate, type UserState } from './user.aggregate';

/** ProfileUpdated with the fields that change; nothing changed appends nothing and answers the current seq. */
@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, input }: UpdateProfileCommand): Promise<UpdateProfileResult> {
    const { userId } = caller;
    return this.aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
      if (!state.exists) throw new NatterError('user_not_found');
      if (state.deactivated) throw new NatterError('user_deactivated');
      return { events: decideProfileUpdate(state, input), reply: (after) => ({ user: ownProfile(after.state), seq: after.version }) };
    });
  }
}

export function decideProfileUpdate(s: UserState, c: { displayName?: string; bio?: string; statusText?: string }): NewEvent[] {
  const changed = {
    ...(c.displayName !== undefined && c.displayName !== s.displayName ? { displayName: c.displayName } : {}),
    ...(c.bio !== undefined && c.bio !== s.bio ? { bio: c.bio } : {}),
    ...(c.statusText !== undefined && c.statusText !== s.statusText ? { statusText: c.statusText } : {}),
  };
  return Object.keys(changed).length ? [{ type: 'ProfileUpdated', data: { userId: s.userId, ...changed } }] : [];
}
