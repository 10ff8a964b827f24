import { NoMentions, type Attachment, type EventEnvelope, type Message, type MessageState, type MessageView } from '@natter/contracts/browser';

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

/**
 * A message as this client holds it: the MessageSent, folded with every change to it (contracts' foldMessage:
 * edits, delete, reactions, pin, thread replies) up to `asOf`. A history page's items are as of the page's
 * asOfSeq; a live event is folded in only when its seq is above `asOf`, so a change is never applied twice.
 */
export type MessageItem = MessageState & {
  kind: 'message';
  id: string;
  senderId: string;
  clientMsgId: string;
  at: string;
  /** The sender's name as a history page gave it (live items: the view looks names up). */
  senderName?: string;
  /** Shown in the room's timeline (not a thread-only reply). */
  inRoom: boolean;
  /** A reply: its thread's root. */
  threadRootSeq: number | null;
  /** Its files (emptied when the message is deleted). */
  attachments?: Attachment[];
  asOf: number;
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
/** Where a message goes in a room: a reply in the thread of `threadRootSeq` (also in the room when `alsoToRoom`). */
export interface ReplyTo {
  threadRootSeq: number;
  alsoToRoom: boolean;
}

export interface OutboxEntry {
  /** Chosen once when the message is written; every attempt reuses it, so the server stores it once. */
  clientMsgId: string;
  roomId: string;
  text: string;
  /** A reply (absent: a message of the room). */
  reply?: ReplyTo;
  /** Files already uploaded for it (sent as their ids). */
  attachments?: Attachment[];
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

/**
 * The item of a stored message: a history page's view (with everything folded in up to the page's `asOf`), or
 * a send's ack (nothing happened to it yet; `reply` says where it went).
 */
export function messageToItem(m: Message | MessageView, asOf: number = m.seq, reply?: ReplyTo): MessageItem {
  const v = 'inRoom' in m ? m : null;
  return {
    kind: 'message',
    seq: m.seq,
    id: m.id,
    senderId: m.senderId,
    clientMsgId: m.clientMsgId,
    text: m.text,
    at: m.sentAt,
    ...(v?.senderName ? { senderName: v.senderName } : {}),
    inRoom: v ? v.inRoom : !reply || reply.alsoToRoom,
    threadRootSeq: v ? v.threadRootSeq : (reply?.threadRootSeq ?? null),
    mentions: v?.mentions ?? NoMentions,
    edited: v?.edited ?? null,
    deleted: v?.deleted ?? null,
    replies: v?.replies ?? null,
    reactions: v?.reactions ?? [],
    pinned: v?.pinned ?? null,
    ...(m.attachments?.length ? { attachments: m.attachments } : {}),
    asOf: Math.max(asOf, m.seq),
  };
}

/** A persisted item from before messages carried their changes: the defaults (nothing happened to it). */
export function withDefaults(i: TimelineItem): TimelineItem {
  if (i.kind !== 'message' || 'asOf' in i) return i;
  const old = i as Pick<MessageItem, 'seq' | 'id' | 'senderId' | 'clientMsgId' | 'text' | 'at'>;
  return { ...old, kind: 'message', inRoom: true, threadRootSeq: null, mentions: NoMentions, edited: null, deleted: null, replies: null, reactions: [], pinned: null, asOf: old.seq };
}
