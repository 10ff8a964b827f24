import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatterError, Subjects, type NewEvent } from '@natter/contracts';
import { UserAggregate, type UserState } from '../accounts/user.aggregate';
import { mustBeMessage } from '../messages/message.aggregate';
import { MESSAGE_READS, type MessageReads } from '../messages/message-reads';
import { mustBeMember, RoomAggregate } from '../rooms/room.aggregate';
import { AggregateRepository } from '../shared/aggregates';
import type { EventStore } from '../shared/event-store';
import { EVENT_STORE } from '../shared/event-store.provider';
import { MuteThreadCommand, UpdateNotificationSettingsCommand, UpdateRoomNotificationSettingsCommand } from './notification-settings.command';

/** Settings are the user's own: appended to `ev.user.<userId>` after checking the account (and the room for a room's settings). */
function appendForUser(aggregates: AggregateRepository, userId: string, event: NewEvent): Promise<{ seq: number }> {
  return aggregates.execute(UserAggregate, Subjects.user(userId), userId, ({ state }) => {
    mustBeActive(state);
    return { events: [event], reply: (after) => ({ seq: after.version }) };
  });
}

function mustBeActive(s: UserState): void {
  if (!s.exists) throw new NatterError('user_not_found');
  if (s.deactivated) throw new NatterError('user_deactivated');
}

/**
 * A room's settings are for its members: the room's own rule (room.aggregate's mustBeMember), so a private
 * room you are not in is room_not_found and a public one not_member, as for every room command.
 */
async function loadAsMember(aggregates: AggregateRepository, roomId: string, userId: string): Promise<void> {
  const { state } = await aggregates.load(RoomAggregate, Subjects.roomMeta(roomId));
  mustBeMember(state, userId);
}

@CommandHandler(UpdateNotificationSettingsCommand)
export class UpdateNotificationSettingsHandler implements ICommandHandler<UpdateNotificationSettingsCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  execute({ caller, input }: UpdateNotificationSettingsCommand): Promise<{ seq: number }> {
    return appendForUser(this.aggregates, caller.userId, { type: 'NotificationSettingsChanged', data: { userId: caller.userId, ...input } });
  }
}

@CommandHandler(UpdateRoomNotificationSettingsCommand)
export class UpdateRoomNotificationSettingsHandler implements ICommandHandler<UpdateRoomNotificationSettingsCommand> {
  constructor(@Inject(AggregateRepository) private readonly aggregates: AggregateRepository) {}

  async execute({ caller, roomId, level, muted }: UpdateRoomNotificationSettingsCommand): Promise<{ seq: number }> {
    await loadAsMember(this.aggregates, roomId, caller.userId);
    const data = { userId: caller.userId, roomId, ...(level !== undefined ? { level } : {}), ...(muted !== undefined ? { muted } : {}) };
    return appendForUser(this.aggregates, caller.userId, { type: 'RoomNotificationSettingsChanged', data });
  }
}

/**
 * The root must be a message of the room (message_not_found otherwise, as for edits and reactions): it is read
 * like a message change reads its target, as of the head of the room's `.msg` subject, so a message sent just
 * before is found. A deleted root is still a message: its thread can be muted or unmuted. A reply stands for
 * its thread.
 */
@CommandHandler(MuteThreadCommand)
export class MuteThreadHandler implements ICommandHandler<MuteThreadCommand> {
  constructor(
    @Inject(AggregateRepository) private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MESSAGE_READS) private readonly reads: MessageReads,
  ) {}

  async execute({ caller, roomId, rootSeq, muted }: MuteThreadCommand): Promise<{ seq: number }> {
    await loadAsMember(this.aggregates, roomId, caller.userId); // before asking the read model anything about the room
    const head = await this.store.lastSeqOf(Subjects.roomMsg(roomId));
    const target = mustBeMessage(await this.reads.message(roomId, rootSeq, head));
    // A reply names the thread it is in: the thread is muted, as on its root (the event names the root).
    const root = target.threadRootSeq ?? rootSeq;
    return appendForUser(this.aggregates, caller.userId, { type: 'ThreadMuteChanged', data: { userId: caller.userId, roomId, rootSeq: root, muted } });
  }
}
