import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { decideUnarchive } from './room.settings';
import { UnarchiveRoomCommand } from './unarchive-room.command';
import { executeOnRoom } from './room-command';

/** RoomUnarchived (owner/admin, or a server admin). */
@CommandHandler(UnarchiveRoomCommand)
export class UnarchiveRoomHandler implements ICommandHandler<UnarchiveRoomCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
  ) {}

  async execute({ caller, roomId }: UnarchiveRoomCommand): Promise<RoomCommandResult> {
    const serverAdmin = await this.server.isAdmin(caller.userId);
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideUnarchive(s, caller.userId, serverAdmin));
  }
}
