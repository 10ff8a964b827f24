import { Limits, type Attachment, type ClientFrame, type EventEnvelope, type Message, type SendMessageResult, type ServerFrame } from '@natter/contracts/browser';
import { backoffDelay } from './backoff';
import { Connection } from './connection';
import type { Outbox } from './outbox';
import { applyEvent, applyReset, applySynced, applyTruncated, resumeFrame } from './resume';
import { LiveSignals } from './signals';
import type { Timelines } from './timeline';
import type { ConnectionStatus, RealtimeAuth, ReplyTo, RoomEventListener, SocketFactory } from './types';

export interface RealtimeOptions {
  /** WebSocket URL for an access token, e.g. `wss://host/ws?access_token=...`. */
  url: (accessToken: string) => string;
  createSocket: SocketFactory;
  auth: RealtimeAuth;
  timelines: Timelines;
  outbox: Outbox;
  /** Request ids of send frames (any unique string). */
  newId: () => string;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  /** Ping when nothing was received for this long; give up on the socket after as long again. */
  heartbeatMs?: number;
  /** A send without ack or error for this long is marked failed (the user may retry it). */
  ackTimeoutMs?: number;
  /** Transient send errors (rate_limited, unavailable, ...) are retried this many times before failing. */
  maxSendAttempts?: number;
  log?: (msg: string, data?: unknown) => void;
  /** Typing and presence state (a fresh one by default). */
  signals?: LiveSignals;
  /**
   * Opt in to the user's own events (`user_event`: read markers, profile changes) on every connection: the
   * first resume asks for them live from now (`user: "now"`), later ones from the last one applied.
   */
  userEvents?: boolean;
}

/** A `user_event` (seq, envelope), or the user's events in (after, upto] skipped (`user_truncated`) / void (`reset`). */
export type UserEventListener = (seq: number, event: EventEnvelope) => void;

/** Error codes worth retrying by themselves; any other error fails the message until the user retries. */
const TRANSIENT = new Set(['rate_limited', 'unavailable', 'overloaded', 'internal', 'conflict', 'projection_lagging']);

type InFlight = { clientMsgId: string; roomId: string; timer: ReturnType<typeof setTimeout> };

/**
 * The WebSocket client: the protocol (resume, live events, errors) and the outbox, over a Connection
 * (connection.ts: socket, tokens, backoff, heartbeat, close codes). No React in here.
 *
 * Guarantees, given the edge's (per room: seq order, each event once after `resume`):
 * - Positions (resume.ts): each room's position is the last seq applied to its timeline, all of one epoch;
 *   `resume` sends them all with that epoch, so a reconnect (network drop, sleep, reload with the persisted
 *   timelines) delivers exactly what was missed. An event at or below the position is dropped, so a replay
 *   never shows twice. `truncated` restarts that room at its `upto` (the view reloads it over HTTP);
 *   `reset` (another stream) drops every room and reconnects with none.
 * - Outbox: per room, one message in flight at a time, in the order written; so they commit in that order.
 *   Every attempt of a message sends the same clientMsgId, so the server stores it once however often a
 *   socket dies between send and ack. A message also leaves the outbox when its own MessageSent event
 *   arrives (the ack may have been lost with the socket), which avoids even the harmless resend. Errors name
 *   the request they answer (rate_limited included), so a refused send is retried or failed, never lost.
 */
export class RealtimeClient {
  private readonly conn: Connection;
  private userId: string | null = null;
  /** A reset frame was applied on the current socket (its 4003 close needs nothing more). */
  private resetApplied = false;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly sendingRoom = new Map<string, string>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly eventListeners = new Set<RoomEventListener>();
  private readonly gapListeners = new Set<(roomId: string) => void>();
  private readonly resetListeners = new Set<() => void>();
  private readonly sendListeners = new Set<(roomId: string, result: SendMessageResult) => void>();
  /** Sends settled by their own event before their ack (request id -> room), until the ack or the socket goes. */
  private readonly settledByEvent = new Map<string, string>();
  private readonly opts: Required<Omit<RealtimeOptions, 'log'>> & Pick<RealtimeOptions, 'log'>;
  /** Users whose presence the app follows (sent again after every resume). */
  private followed: string[] = [];
  private presenceRequest: string | null = null;
  private readonly typingSentAt = new Map<string, number>();
  /** Last seq of the user's own subject applied (user_event / synced), null before the first synced. */
  private userPos: number | null = null;
  private readonly userEventListeners = new Set<UserEventListener>();
  private readonly userSyncListeners = new Set<(seq: number) => void>();

  constructor(options: RealtimeOptions) {
    this.opts = {
      backoff: { baseMs: 500, maxMs: 30_000 },
      random: Math.random,
      heartbeatMs: 25_000,
      ackTimeoutMs: 15_000,
      maxSendAttempts: 3,
      signals: new LiveSignals(),
      userEvents: false,
      ...options,
    };
    const { url, createSocket, auth, backoff, random, heartbeatMs, log } = this.opts;
    this.conn = new Connection(
      { url, createSocket, auth, backoff, random, heartbeatMs, log },
      { onFrame: (f) => this.onFrame(f), onSocketGone: () => this.onSocketGone(), onResetClose: () => this.onResetClose() },
    );
  }

  /** Who is typing where, who is online (ephemeral; see signals.ts). */
  get signals(): LiveSignals {
    return this.opts.signals;
  }

  /**
   * The user is typing in a room: tells the other members, at most once per Limits.typingMinIntervalMs per
   * room (call it on every keystroke). Only while online; never queued.
   */
  typing(roomId: string): void {
    if (this.status !== 'online') return;
    const now = Date.now();
    if (now - (this.typingSentAt.get(roomId) ?? -Infinity) < Limits.typingMinIntervalMs) return;
    this.typingSentAt.set(roomId, now);
    this.conn.write({ type: 'typing', roomId });
  }

  /**
   * Follow these users' presence (replaces the list; `[]` stops). Sent now if online and again after every
   * resume; results land in `signals`. The server refuses a list with anyone you share no room with.
   */
  followPresence(userIds: string[]): void {
    this.followed = [...new Set(userIds)].slice(0, Limits.presenceSubscribeMax);
    if (this.status === 'online') this.sendFollow();
  }

  private sendFollow(): void {
    const id = this.opts.newId();
    this.presenceRequest = id;
    this.conn.write({ type: 'presence_subscribe', id, userIds: this.followed });
  }

  get status(): ConnectionStatus {
    return this.conn.status;
  }

  /** The signed-in user, as the server's hello said. */
  get me(): string | null {
    return this.userId;
  }

  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    return this.conn.onStatus(fn);
  }

  /** Every event applied to a timeline (not duplicates), for the app to refresh what depends on it. */
  onEvent(fn: RoomEventListener): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** The user's own events (user_event), each once, in seq order; only with the `userEvents` option. */
  onUserEvent(fn: UserEventListener): () => void {
    this.userEventListeners.add(fn);
    return () => this.userEventListeners.delete(fn);
  }

  /**
   * The user's own events are complete up to `seq` and what was derived from them may be stale: after every
   * `synced` (a first connection, or one back from an absence) and a `user_truncated`. Reload the state built
   * from them (e.g. `GET /api/me/rooms?minSeq=<seq>`) and apply only later user events on top.
   */
  onUserSynced(fn: (seq: number) => void): () => void {
    this.userSyncListeners.add(fn);
    return () => this.userSyncListeners.delete(fn);
  }

  /** Last seq of the user's own events applied (null before the first `synced` with `user`). */
  get userPosition(): number | null {
    return this.userPos;
  }

  /** A room skipped events (`truncated`): what was derived from them (members, room details) is stale. */
  onRoomGap(fn: (roomId: string) => void): () => void {
    this.gapListeners.add(fn);
    return () => this.gapListeners.delete(fn);
  }

  /** A send of ours was stored (its ack): e.g. `notInRoom`, people it mentions who are not in the room. */
  onSendResult(fn: (roomId: string, result: SendMessageResult) => void): () => void {
    this.sendListeners.add(fn);
    return () => this.sendListeners.delete(fn);
  }

  /** Every position was dropped (`reset`: another stream): everything loaded from the server is stale. */
  onReset(fn: () => void): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  start(): void {
    this.conn.start();
  }

  stop(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.conn.stop();
  }

  /** The network came back or the page became visible: do not wait out the backoff. */
  reconnectNow(): void {
    this.conn.reconnectNow();
  }

  /**
   * The browser reports the network gone. An open WebSocket can outlive that for a long time (until the
   * heartbeat gives up), so drop it now: messages written meanwhile stay in the outbox instead of being
   * handed to a dead socket, and the banner tells the truth. `reconnectNow` (on `online`) brings it back;
   * the backoff timer also retries in case the browser never says so.
   */
  networkLost(): void {
    this.conn.networkLost();
  }

  /**
   * Write a message (or a reply): it goes to the outbox at once (pending) and is sent when the socket is
   * online. `attachments`: files already uploaded to the room (the upload answered them).
   */
  send(roomId: string, text: string, reply?: ReplyTo, attachments?: Attachment[]): string {
    const entry = this.opts.outbox.add(roomId, text, reply, attachments);
    this.flush();
    return entry.clientMsgId;
  }

  /** Send a failed message again, with its original clientMsgId. */
  retry(clientMsgId: string): void {
    const e = this.opts.outbox.get(clientMsgId);
    if (!e || e.status !== 'failed') return;
    this.opts.outbox.update(clientMsgId, { status: 'pending', attempts: 0 });
    this.flush();
  }

  /** Give up on a failed message. */
  discard(clientMsgId: string): void {
    const e = this.opts.outbox.get(clientMsgId);
    if (e && e.status === 'failed') this.opts.outbox.remove(clientMsgId);
  }

  // ---- protocol ----

  private onFrame(frame: ServerFrame): void {
    const { timelines } = this.opts;
    switch (frame.type) {
      case 'hello':
        this.userId = frame.userId;
        this.resetApplied = false;
        this.conn.write(resumeFrame(timelines, this.opts.userEvents ? (this.userPos ?? 'now') : undefined));
        return;
      case 'event':
        if (!applyEvent(timelines, this.userId, frame.room, frame.seq, frame.event)) return;
        this.afterEvent(frame.room, frame.seq, frame.event);
        return;
      case 'truncated':
        applyTruncated(timelines, frame);
        for (const fn of this.gapListeners) fn(frame.room);
        return;
      case 'synced':
        applySynced(timelines, frame);
        if (frame.user !== undefined) this.userSynced(frame.user);
        this.conn.markOnline();
        this.flush();
        if (this.followed.length > 0) this.sendFollow();
        return;
      case 'reset':
        // Close 4003 follows and reconnects at once, resuming with no positions.
        this.applyResetOnce(frame.epoch);
        return;
      case 'ack':
        if (frame.id === this.presenceRequest) return this.onFollowAck(frame.result);
        return this.onAck(frame.id, frame.result);
      case 'typing':
        if (frame.userId !== this.userId) this.opts.signals.typingStarted(frame.room, frame.userId);
        return;
      case 'presence':
        this.opts.signals.setOnline(frame.userId, frame.online);
        return;
      case 'error':
        if (frame.id && frame.id === this.presenceRequest) {
          this.presenceRequest = null;
          return this.opts.log?.('presence_subscribe refused', { code: frame.code, message: frame.message });
        }
        if (frame.id && this.inFlight.has(frame.id)) return this.onSendError(frame.id, frame.code, frame.message, frame.retryAfterMs);
        return this.onUnnamedError(frame.code, frame.message);
      case 'user_event':
        if (this.userPos !== null && frame.seq <= this.userPos) return;
        this.userPos = frame.seq;
        for (const fn of this.userEventListeners) fn(frame.seq, frame.event);
        return;
      case 'user_truncated':
        this.userSynced(frame.upto);
        return;
      case 'pong':
        return;
      case 'reconnect':
        // The server is draining; its close (4000) follows and reconnects us.
        return;
    }
  }

  private afterEvent(roomId: string, seq: number, event: EventEnvelope): void {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'MessageSent' && typeof data.senderId === 'string') this.opts.signals.typingStopped(roomId, data.senderId);
    if (event.type === 'MessageSent' && data.senderId === this.userId && typeof data.clientMsgId === 'string') {
      // Ours, committed: settled even if the ack was lost with a socket.
      if (this.opts.outbox.remove(data.clientMsgId)) this.release(data.clientMsgId);
    }
    for (const fn of this.eventListeners) fn(roomId, seq, event);
  }

  private userSynced(seq: number): void {
    this.userPos = Math.max(this.userPos ?? 0, seq);
    for (const fn of this.userSyncListeners) fn(this.userPos);
  }

  private applyResetOnce(epoch: string | null): void {
    if (this.resetApplied) return;
    this.resetApplied = true;
    this.userPos = null;
    this.opts.log?.('reset: dropping every position', { epoch });
    // Nothing may stay in flight: the outbox decides per message (resume.ts applyReset).
    for (const id of [...this.inFlight.keys()]) this.takeInFlight(id);
    applyReset(this.opts.timelines, this.opts.outbox, epoch);
    for (const fn of this.resetListeners) fn();
  }

  /** Close 4003 without a reset frame before it (it was lost): drop the positions all the same. */
  private onResetClose(): void {
    this.applyResetOnce(null);
  }

  /**
   * An error frame that names no request: it answers a frame without an id (resume, ping, typing). While
   * syncing it means the edge could not load the rooms (it asks for a new resume): start over on a fresh
   * connection after a backoff. Otherwise (a dropped ping or typing signal) there is nothing to redo.
   */
  private onUnnamedError(code: string, message: string): void {
    this.opts.log?.('server error', { code, message });
    if (this.status === 'syncing') this.conn.restart('resume failed');
  }

  /** The socket went: what was in flight on it goes again after the next resume. */
  private onSocketGone(): void {
    this.presenceRequest = null;
    this.settledByEvent.clear();
    this.typingSentAt.clear();
    this.opts.signals.reset();
    for (const f of this.inFlight.values()) clearTimeout(f.timer);
    this.inFlight.clear();
    this.sendingRoom.clear();
  }

  // ---- outbox ----

  /** Send the next pending message of every room that has none in flight. */
  private flush(): void {
    if (this.status !== 'online' || !this.conn.ready) return;
    for (const roomId of this.opts.outbox.roomsWithPending()) {
      if (!this.sendingRoom.has(roomId)) this.sendNext(roomId);
    }
  }

  private sendNext(roomId: string): void {
    for (let entry = this.opts.outbox.nextPending(roomId); entry; entry = this.opts.outbox.nextPending(roomId)) {
      const id = this.opts.newId();
      const files = entry.attachments?.length ? { attachments: entry.attachments.map((a) => a.fileId) } : {};
      const frame = JSON.stringify({ type: 'send', id, roomId, clientMsgId: entry.clientMsgId, text: entry.text, ...entry.reply, ...files } satisfies ClientFrame);
      if (new TextEncoder().encode(frame).length > Limits.wsFrameBytes) {
        // The edge would close the socket (1009) and every resend would too: fail it here instead.
        this.opts.outbox.update(entry.clientMsgId, { status: 'failed', error: { code: 'body_too_large', message: 'This message is too large to send.' } });
        continue;
      }
      const timer = setTimeout(() => this.onSendError(id, 'timeout', 'No answer from the server.'), this.opts.ackTimeoutMs);
      this.inFlight.set(id, { clientMsgId: entry.clientMsgId, roomId, timer });
      this.sendingRoom.set(roomId, entry.clientMsgId);
      this.opts.outbox.update(entry.clientMsgId, { attempts: entry.attempts + 1 });
      this.conn.writeRaw(frame);
      return;
    }
  }

  private onFollowAck(result: unknown): void {
    this.presenceRequest = null;
    const online = (result as { online?: Record<string, unknown> } | null)?.online ?? {};
    for (const [userId, v] of Object.entries(online)) if (typeof v === 'boolean') this.opts.signals.setOnline(userId, v);
  }

  private onAck(id: string, result: unknown): void {
    const f = this.takeInFlight(id);
    const message = (result as { message?: Message } | null)?.message;
    const stored = message && typeof message.seq === 'number';
    if (!f) {
      // Settled by its own event first (the usual order): the timeline has it; the ack still tells the app.
      const roomId = this.settledByEvent.get(id);
      this.settledByEvent.delete(id);
      if (roomId && stored) for (const fn of this.sendListeners) fn(roomId, result as SendMessageResult);
      return;
    }
    const reply = this.opts.outbox.get(f.clientMsgId)?.reply;
    if (stored) {
      this.opts.timelines.insertMessage(f.roomId, message, reply);
      for (const fn of this.sendListeners) fn(f.roomId, result as SendMessageResult);
    }
    this.opts.outbox.remove(f.clientMsgId);
    this.flush();
  }

  /** `retryAfterMs`: the server's hint (overloaded), a floor under the backoff. */
  private onSendError(id: string, code: string, message: string, retryAfterMs = 0): void {
    const f = this.takeInFlight(id);
    if (!f) return;
    const entry = this.opts.outbox.get(f.clientMsgId);
    if (entry) {
      if (TRANSIENT.has(code) && entry.attempts < this.opts.maxSendAttempts) {
        // Keep its place: nothing else of this room goes before it is settled.
        const hold = `hold:${f.clientMsgId}`;
        this.sendingRoom.set(f.roomId, hold);
        const t = setTimeout(() => {
          this.retryTimers.delete(t);
          if (this.sendingRoom.get(f.roomId) === hold) this.sendingRoom.delete(f.roomId);
          this.flush();
        }, Math.max(retryAfterMs, backoffDelay(entry.attempts, { baseMs: 1000, maxMs: 10_000 }, this.opts.random)));
        this.retryTimers.add(t);
        return;
      }
      this.opts.outbox.update(f.clientMsgId, { status: 'failed', error: { code, message } });
    }
    this.flush();
  }

  private takeInFlight(id: string): InFlight | undefined {
    const f = this.inFlight.get(id);
    if (!f) return undefined;
    clearTimeout(f.timer);
    this.inFlight.delete(id);
    if (this.sendingRoom.get(f.roomId) === f.clientMsgId) this.sendingRoom.delete(f.roomId);
    return f;
  }

  /** A message settled by its event: release its room for the next one (its ack, if any, is ignored). */
  private release(clientMsgId: string): void {
    for (const [id, f] of this.inFlight) {
      if (f.clientMsgId !== clientMsgId) continue;
      this.takeInFlight(id);
      this.settledByEvent.set(id, f.roomId);
    }
    this.flush();
  }

}
