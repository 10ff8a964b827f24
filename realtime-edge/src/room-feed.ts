import type { StoredEvent } from '@natter/contracts';
import type { History, RawEvent } from './ports';

/**
 * The two sides of a room's live feed, as small interfaces so the node's fan-out (fanout.ts) and the per-socket
 * cursors (room-cursor.ts) do not import each other.
 */

/** One socket's interest in one room, as the feed sees it (RoomCursor). */
export interface FeedCursor {
  readonly roomId: string;
  /** A live (or repaired) event of the room, in room order, each once. */
  onEvent(ev: StoredEvent): void;
  /** Someone is typing in the room: `text` is the serialized `typing` frame. */
  onTyping(userId: string, text: string): void;
  /** The feed could not re-read the room (after a NATS reconnect): the socket must resume. */
  fail(): void;
}

/** The node's shared room feeds, as a cursor sees them (Fanout). */
export interface RoomFeed {
  /** Join the room's feed; resolves once its live subscriptions are registered (later reads miss nothing). */
  attach(cursor: FeedCursor): Promise<void>;
  detach(cursor: FeedCursor): void;
  readonly history: History;
  /** Decode a stored event (null, logged, for one that is not a Natter event). */
  decode(raw: RawEvent): StoredEvent | null;
}
