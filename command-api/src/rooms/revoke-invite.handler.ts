import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { decideRevokeInvite } from './room.invites';
import { RevokeInviteCommand } from './revoke-invite.command';
import { executeOnRoom } from './room-command';

/** InviteRevoked (owner/admin): the link stops working at once. */
@CommandHandler(RevokeInviteCommand)
export class RevokeInviteHandler implements ICommandHandler<RevokeInviteCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  execute({ caller, roomId, inviteId }: RevokeInviteCommand): Promise<RoomCommandResult> {
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideRevokeInvite(s, caller.userId, inviteId));
  }
}
