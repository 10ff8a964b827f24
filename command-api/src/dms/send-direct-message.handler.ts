import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type SendDirectMessageResult } from '@natter/contracts';
import { UserAggregate } from '../accounts/user.aggregate';
import { SendMessageCommand } from '../messages/send-message.command';
import { RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import { decideStartDm, dmMembers } from './dm.deciders';
import { DmRooms } from './dm-rooms';
import { SendDirectMessageCommand } from './send-direct-message.command';

/**
 * A direct message: find (or reserve) the room of exactly these people, create it if this is its first
 * message (DirectMessageStarted + joins), then send like into any room (SendMessage: idempotent per
 * clientMsgId, so a retry finds the room and its message and stores nothing new).
 */
@CommandHandler(SendDirectMessageCommand)
export class SendDirectMessageHandler implements ICommandHandler<SendDirectMessageCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(DmRooms) private readonly rooms: DmRooms,
    @Inject(CommandBus) private readonly bus: CommandBus,
  ) {}

  async execute({ caller, userIds, clientMsgId, text }: SendDirectMessageCommand): Promise<SendDirectMessageResult> {
    const memberIds = dmMembers(caller.userId, userIds);
    for (const userId of memberIds) {
      if (userId === caller.userId) continue;
      const { state } = await this.aggregates.load(UserAggregate, Subjects.user(userId));
      if (!state.exists || state.deactivated) throw new NatterError('user_not_found', `No active user ${userId}.`);
    }
    const roomId = await this.rooms.roomFor(memberIds);
    await this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideStartDm(state, { roomId, memberIds, actor: caller.userId }),
      reply: () => undefined,
    }));
    const sent = await this.bus.execute(new SendMessageCommand(caller, roomId, clientMsgId, text));
    return { ...sent, roomId };
  }
}
