import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { InviteCodes } from './invite-codes';
import { decideRedeemInvite } from './room.invites';
import { RedeemInviteCommand } from './redeem-invite.command';
import { executeOnRoom } from './room-command';

/** Join through an invite link: MemberJoined with the invite id (one use), unless banned or the invite is no longer usable. */
@CommandHandler(RedeemInviteCommand)
export class RedeemInviteHandler implements ICommandHandler<RedeemInviteCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(InviteCodes) private readonly codes: InviteCodes,
  ) {}

  async execute({ caller, code }: RedeemInviteCommand): Promise<RoomCommandResult> {
    const { roomId, inviteId } = await this.codes.lookup(code);
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideRedeemInvite(s, caller.userId, inviteId, new Date()));
  }
}
