import type { EventEnvelope, Message } from '@natter/contracts/browser';

/** The part of the browser WebSocket the client uses, so tests can hand it a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

/** How the client gets and renews its access token. The app's session implements it. */
export interface RealtimeAuth {
  /** A usable access token (refreshed first when close to expiry), or null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Refresh now (after close 4101/4100). Resolves null when the session is gone. */
  refreshAccessToken(): Promise<string | null>;
  /** The server ended the session (4102 revoked, 4103 deactivated) or it cannot be refreshed: sign out. */
  onSessionEnded(reason: SessionEndReason): void;
}
export type SessionEndReason = 'revoked' | 'deactivated' | 'unauthenticated';

/**
 * Connection state. `syncing`: hello received and resume sent, waiting for `synced`. `online`: synced, live,
 * sending the outbox. `offline`: no socket, a reconnect is scheduled. `stopped`: stop() or session ended.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'syncing' | 'online' | 'offline' | 'stopped';

export type MessageItem = {
  kind: 'message';
  seq: number;
  id: string;
  senderId: string;
  clientMsgId: string;
  text: string;
  at: string;
};
export type MemberItem = {
  kind: 'member';
  seq: number;
  userId: string;
  change: 'joined' | 'left' | 'removed';
  at: string;
};
/**
 * Any other room event shown in the timeline, as it came (the app decides which: the `toItem` given to
 * Timelines). Messages and membership changes have items of their own because this module relies on them
 * (outbox matching by clientMsgId, history pages).
 */
export type EventItem = {
  kind: 'event';
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  data: unknown;
};
/** One entry of a room's timeline, keyed and ordered by stream sequence. */
export type TimelineItem = MessageItem | MemberItem | EventItem;

/** What is persisted per room: a contiguous tail of its timeline and the position it is complete up to. */
export interface PersistedRoom {
  roomId: string;
  /** The epoch of `position` (records written before epochs existed have none). */
  epoch?: string | null;
  position: number | null;
  hasOlder: boolean;
  items: TimelineItem[];
}

export interface TimelineStore {
  loadAll(): Promise<PersistedRoom[]>;
  save(room: PersistedRoom): Promise<void>;
  delete(roomId: string): Promise<void>;
}

export type OutboxStatus = 'pending' | 'failed';
export interface OutboxEntry {
  /** Chosen once when the message is written; every attempt reuses it, so the server stores it once. */
  clientMsgId: string;
  roomId: string;
  text: string;
  /** Send order (monotonic within this browser). */
  order: number;
  createdAt: string;
  status: OutboxStatus;
  attempts: number;
  error?: { code: string; message: string };
}

export interface OutboxStore {
  loadAll(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(clientMsgId: string): Promise<void>;
}

export type RoomEventListener = (roomId: string, seq: number, event: EventEnvelope) => void;

export function messageToItem(m: Message): MessageItem {
  return { kind: 'message', seq: m.seq, id: m.id, senderId: m.senderId, clientMsgId: m.clientMsgId, text: m.text, at: m.sentAt };
}
