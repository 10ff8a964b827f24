import type { StoredEvent } from '@natter/contracts';
import type { History, RawEvent } from './ports';

/**
 * The two sides of a room's live feed, as small interfaces so the node's fan-out (fanout.ts) and the per-socket
 * cursors (room-cursor.ts) do not import each other.
 */

/** One socket's interest in one room, as the feed sees it (RoomCursor). */
export interface FeedCursor extends TopicMember {
  readonly roomId: string;
  /** A live (or repaired) event of the room, in room order, each once (not called while on the topic). */
  onEvent(ev: StoredEvent): void;
  /** Someone is typing in the room: `text` is the serialized `typing` frame. */
  onTyping(userId: string, text: string): void;
  /** The feed could not re-read the room (after a NATS reconnect): the socket must resume. */
  fail(): void;
}

/** A socket as a member of a room's topic (live-topic.ts): what the topic needs to move it on and off. */
export interface TopicMember {
  /** The socket's user: a membership change naming them takes the socket off the topic first. */
  readonly userId: string;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Bytes waiting to be written to the socket. */
  bufferedAmount(): number;
  /** Taken off the topic: the events after `pos` come per event again (onEvent). */
  leftTopic(pos: number): void;
}

/** The node's shared room feeds, as a cursor sees them (Fanout). */
export interface RoomFeed {
  /** Join the room's feed; resolves once its live subscriptions are registered (later reads miss nothing). */
  attach(cursor: FeedCursor): Promise<void>;
  /** Leave the feed (and its topic). */
  detach(cursor: FeedCursor): void;
  /**
   * A live cursor that holds everything of the room up to `pos` asks to be delivered through the room's topic
   * (live-topic.ts); true if it now is, and then it gets no onEvent until leftTopic.
   */
  joinTopic(cursor: FeedCursor, pos: number): boolean;
  /** The position of a cursor on the topic (every member is at the same one). */
  topicSeq(roomId: string): number;
  /**
   * Every event of the room after this seq is still to be dispatched to the feed's cursors (all before it were,
   * or came before the feed existed): a cursor attached at or past it has nothing to read from history.
   */
  dispatchedThrough(roomId: string): number;
  readonly history: History;
  /** Decode a stored event (null, logged, for one that is not a Natter event). */
  decode(raw: RawEvent): StoredEvent | null;
}
