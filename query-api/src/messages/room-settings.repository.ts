import { DefaultRoomSettings, type RoomSettings } from '@natter/contracts';
import type { ReadScope } from '../read-model/scope';

/** `room_settings`: a room's message settings; no row means the defaults. */
export class RoomSettingsRepository {
  async of(q: ReadScope, roomId: string): Promise<RoomSettings> {
    const r = await q.selectFrom('room_settings').select(['edit_window_seconds', 'anyone_can_pin']).where('room_id', '=', roomId).executeTakeFirst();
    return r ? { editWindowSeconds: r.edit_window_seconds, anyoneCanPin: r.anyone_can_pin } : { ...DefaultRoomSettings };
  }
}
