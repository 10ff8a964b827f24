import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { decideArchive } from './room.settings';
import { ArchiveRoomCommand } from './archive-room.command';
import { executeOnRoom } from './room-command';

/** RoomArchived (owner/admin, or a server admin): the room becomes read-only, delivery goes on. */
@CommandHandler(ArchiveRoomCommand)
export class ArchiveRoomHandler implements ICommandHandler<ArchiveRoomCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
  ) {}

  async execute({ caller, roomId }: ArchiveRoomCommand): Promise<RoomCommandResult> {
    const serverAdmin = await this.server.isAdmin(caller.userId);
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideArchive(s, caller.userId, serverAdmin));
  }
}
