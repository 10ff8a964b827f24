import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { AggregateRepository } from '../shared/aggregates';
import { decideTransferOwnership } from './room.moderation';
import { TransferOwnershipCommand } from './transfer-ownership.command';
import { executeOnRoom } from './room-command';

/** OwnershipTransferred: the owner hands the room to a member and becomes an admin. */
@CommandHandler(TransferOwnershipCommand)
export class TransferOwnershipHandler implements ICommandHandler<TransferOwnershipCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
  ) {}

  execute({ caller, roomId, userId }: TransferOwnershipCommand): Promise<RoomCommandResult> {
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideTransferOwnership(s, caller.userId, userId));
  }
}
