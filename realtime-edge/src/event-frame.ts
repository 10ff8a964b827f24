import { toEnvelope, type ServerFrame, type StoredEvent } from '@natter/contracts';

/** Serialized once per event, whoever sends it (a topic publish, or the sockets still on the per-socket path). */
const cache = new WeakMap<StoredEvent, string>();

/** The `event` frame of `ev` in `roomId`. */
export function eventFrameText(roomId: string, ev: StoredEvent): string {
  let text = cache.get(ev);
  if (!text) {
    text = JSON.stringify({ type: 'event', room: roomId, seq: ev.seq, event: toEnvelope(ev) } satisfies ServerFrame);
    cache.set(ev, text);
  }
  return text;
}

/** User frames have their own cache: the same event object never needs both, but the key spaces stay apart. */
const userCache = new WeakMap<StoredEvent, string>();

/** The `user_event` frame of `ev` (user-cursor.ts), serialized once per event for every socket of the user. */
export function userEventFrameText(ev: StoredEvent): string {
  let text = userCache.get(ev);
  if (!text) {
    text = JSON.stringify({ type: 'user_event', seq: ev.seq, event: toEnvelope(ev) } satisfies ServerFrame);
    userCache.set(ev, text);
  }
  return text;
}
