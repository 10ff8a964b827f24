import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommandResult } from '@natter/contracts';
import { ServerAdmins } from '../admin/server-admins';
import { AggregateRepository } from '../shared/aggregates';
import { decideDelete } from './room.settings';
import { DeleteRoomCommand } from './delete-room.command';
import { executeOnRoom } from './room-command';

/** RoomDeleted (the owner, or a server admin): every member stops receiving the room at that event. */
@CommandHandler(DeleteRoomCommand)
export class DeleteRoomHandler implements ICommandHandler<DeleteRoomCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(ServerAdmins) private readonly server: ServerAdmins,
  ) {}

  async execute({ caller, roomId }: DeleteRoomCommand): Promise<RoomCommandResult> {
    const serverAdmin = await this.server.isAdmin(caller.userId);
    return executeOnRoom(this.aggregates, caller, roomId, (s) => decideDelete(s, caller.userId, serverAdmin));
  }
}
