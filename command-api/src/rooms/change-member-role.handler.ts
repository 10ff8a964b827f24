import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { decideChangeRole } from './room.moderation';
import { ChangeMemberRoleCommand } from './change-member-role.command';
import { executeOnRoom } from './room-command';

/** MemberRoleChanged: the owner sets admin/moderator/member, an admin moderator/member, on lower roles only. */
@CommandHandler(ChangeMemberRoleCommand)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRoleCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  execute({ caller, roomId, userId, role }: ChangeMemberRoleCommand): Promise<RoomCommandResult> {
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideChangeRole(s, caller.userId, userId, role));
  }
}
