import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newId, Subjects, type RoomCommandResult } from '@natter/contracts';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from '../shared/aggregates';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG } from '../shared/tokens';
import { CreateRoomCommand } from './create-room.command';
import { decideCreate, RoomAggregate, roomView } from './room.aggregate';

/**
 * RoomCreated then MemberJoined(owner) on the new room's meta subject; the creator becomes its owner. Limited
 * per user (roomsPerUser), over HTTP and NATS alike.
 */
@CommandHandler(CreateRoomCommand)
export class CreateRoomHandler implements ICommandHandler<CreateRoomCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: CommandApiConfig,
  ) {}

  async execute({ caller, input }: CreateRoomCommand): Promise<RoomCommandResult> {
    await this.limiter.take(`rooms:user:${caller.userId}`, this.config.limits.roomsPerUser);
    const roomId = newId();
    return this.aggregates.execute(RoomAggregate, Subjects.roomMeta(roomId), caller.userId, ({ state }) => ({
      events: decideCreate(state, { roomId, name: input.name, topic: input.topic, visibility: input.visibility, actor: caller.userId }),
      reply: (after) => ({ roomId, seq: after.version, room: roomView(after.state, after.version) }),
    }));
  }
}
