import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { decideUnban } from './room.moderation';
import { UnbanMemberCommand } from './unban-member.command';
import { executeOnRoom } from './room-command';

/** MemberUnbanned (owner/admin/moderator): they may join or be added again. */
@CommandHandler(UnbanMemberCommand)
export class UnbanMemberHandler implements ICommandHandler<UnbanMemberCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  execute({ caller, roomId, userId }: UnbanMemberCommand): Promise<RoomCommandResult> {
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideUnban(s, caller.userId, userId));
  }
}
