import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Subjects, type RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { RemoveMemberCommand } from './remove-member.command';
import { decideRemoveMember, RoomAggregate } from './room.aggregate';

/** Owner/admin removes a member: MemberLeft(reason removed). */
@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, roomId, userId }: RemoveMemberCommand): Promise<RoomCommandResult> {
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideRemoveMember(state, caller.userId, userId),
      reply: (after) => ({ roomId, seq: after.version }),
    }));
  }
}
