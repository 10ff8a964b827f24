import { Command } from '@nestjs/cqrs';
import type { NotificationSettingsBody } from '@natter/contracts';
import type { Caller } from '../shared/caller';

type Result = { seq: number };

/** The user's own notification settings (NotificationSettingsChanged). */
export class UpdateNotificationSettingsCommand extends Command<Result> {
  constructor(readonly caller: Caller, readonly input: Readonly<NotificationSettingsBody>) {
    super();
  }
}

/** One room's override for the caller (RoomNotificationSettingsChanged). */
export class UpdateRoomNotificationSettingsCommand extends Command<Result> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly level: 'all' | 'mentions' | 'nothing' | null | undefined, readonly muted: boolean | undefined) {
    super();
  }
}

/** A thread muted or unmuted for the caller (ThreadMuteChanged). */
export class MuteThreadCommand extends Command<Result> {
  constructor(readonly caller: Caller, readonly roomId: string, readonly rootSeq: number, readonly muted: boolean) {
    super();
  }
}
