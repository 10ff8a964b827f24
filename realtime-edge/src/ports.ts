import type { CommandName, CommandRequest, RawEvent, RpcReply, TypingSignal, UserRoomsResult } from '@natter/contracts';

/**
 * The small interfaces the edge is written against. The JetStream/NATS implementations live in `nats/`;
 * tests may decorate them (for example to drop live messages and prove gap repair).
 */

export type { RawEvent };

/** A republished event: `lastSubjectSeq` is `Nats-Last-Sequence`, the previous seq on the same exact subject. */
export interface LiveMessage extends RawEvent {
  lastSubjectSeq: number;
}

export interface LiveSubscription {
  unsubscribe(): void;
}

/** Live (at-most-once) republished events. */
export interface LiveEvents {
  /** Resolves once the server has registered the subscription, so later reads cannot miss what it delivers. */
  subscribe(liveSubject: string, onMessage: (m: LiveMessage) => void): Promise<LiveSubscription>;
  /** Called after the connection to NATS was lost and came back: live messages may have been missed. */
  onReconnect(cb: () => void): void;
  isConnected(): boolean;
}

/**
 * Where the stream is now. `epoch` names this incarnation of the stream (its creation time): positions are only
 * comparable within one epoch, so a stream recreated (new cluster, deleted and provisioned again) has a new
 * one. A restore from a backup keeps the creation time: see docs/architecture.md (Epochs).
 */
export interface StreamState {
  lastSeq: number;
  epoch: string;
}

/** The stream as history: the source of truth for backfill and gap repair. */
export interface History {
  /** The stream's last sequence and epoch now (stream info, answered by the stream leader). */
  streamState(): Promise<StreamState>;
  /** Sequence of the last event on one exact subject (0 if none). */
  lastSeqOf(subject: string): Promise<number>;
  /**
   * Events matching `filter` (an exact subject or `ev.room.<id>.>`) with seq > `afterSeq` (and <= `uptoSeq` if
   * given), ascending, until the end of the stream at the time of reading.
   */
  eventsAfter(filter: string, afterSeq: number, uptoSeq?: number): AsyncIterable<RawEvent>;
}

/** The rooms a user is in, from a read model at least `minSeq` current (answered by query-api). */
export interface MembershipSource {
  userRooms(userId: string, minSeq: number): Promise<UserRoomsResult>;
}

/** Which messages of a room are deleted, from a read model at least `minSeq` current (answered by query-api). */
export interface DeletedMessages {
  deletedAmong(roomId: string, messageSeqs: number[], minSeq: number): Promise<number[]>;
}

/** Commands forwarded to command-api. */
export interface CommandForwarder {
  execute(name: CommandName, request: CommandRequest): Promise<RpcReply>;
}

/** Where this node's connections are announced (KV `natter_presence`), and when each user was last seen (`natter_last_seen`). */
export interface PresenceStore {
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** A connection of `userId` closed at `at` (ISO): "last seen" on profiles while they are offline. */
  seen(userId: string, at: string): Promise<void>;
}

/** Who may follow whose presence: of `others`, the users sharing at least one room with `userId`. */
export interface PresenceAuthorizer {
  sharesRoom(userId: string, others: string[]): Promise<string[]>;
}

/** uWS pub/sub: one serialized frame to every socket subscribed to `topic`, written by uWS's own loop. */
export interface TopicPublisher {
  publish(topic: string, text: string): void;
}

/** Ephemeral signals between edges (core NATS, never stored). */
export interface Signals {
  publishTyping(signal: TypingSignal): void;
  /** Typing signals of one room (best effort: a signal published before the SUB reaches the server is missed). */
  subscribeTyping(roomId: string, onSignal: (s: TypingSignal) => void): LiveSubscription;
}
