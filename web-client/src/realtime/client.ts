import { CloseCode, Limits, shouldResume, type ClientFrame, type EventEnvelope, type Message, type ServerFrame } from '@natter/contracts/browser';
import { backoffDelay } from './backoff';
import type { Outbox } from './outbox';
import { LiveSignals } from './signals';
import type { Timelines } from './timeline';
import type { ConnectionStatus, RealtimeAuth, RoomEventListener, SocketFactory, SocketLike } from './types';

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
}

/** Error codes worth retrying by themselves; any other error fails the message until the user retries. */
const TRANSIENT = new Set(['rate_limited', 'unavailable', 'internal', 'conflict', 'projection_lagging']);
/** The client's own close code when it abandons a socket (heartbeat lost). */
const CLIENT_GIVE_UP = 4900;

type InFlight = { clientMsgId: string; roomId: string; timer: ReturnType<typeof setTimeout> };

/**
 * The WebSocket client: connection, resume, live events and the outbox. No React in here.
 *
 * Guarantees, given the edge's (per room: seq order, each event once after `resume`):
 * - Positions: each room's position is the last seq applied to its timeline; `resume` sends them all, so a
 *   reconnect (network drop, sleep, reload with the persisted timelines) delivers exactly what was missed.
 *   An event at or below the position is dropped, so a replay never shows twice.
 * - Outbox: per room, one message in flight at a time, in the order written; so they commit in that order.
 *   Every attempt of a message sends the same clientMsgId, so the server stores it once however often a
 *   socket dies between send and ack. A message also leaves the outbox when its own MessageSent event
 *   arrives (the ack may have been lost with the socket), which avoids even the harmless resend.
 * - Close codes: 40xx reconnect with backoff and resume; 4101 (and 4100) refresh the token first;
 *   4102/4103 end the session; anything else (network) reconnects with backoff.
 */
export class RealtimeClient {
  private statusValue: ConnectionStatus = 'idle';
  private socket: SocketLike | null = null;
  private helloSeen = false;
  private userId: string | null = null;
  private attempt = 0;
  private failedBeforeHello = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private pingSentAt: number | null = null;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly sendingRoom = new Map<string, string>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly eventListeners = new Set<RoomEventListener>();
  private readonly opts: Required<Omit<RealtimeOptions, 'log'>> & Pick<RealtimeOptions, 'log'>;
  /** Users whose presence the app follows (sent again after every resume). */
  private followed: string[] = [];
  private presenceRequest: string | null = null;
  private readonly typingSentAt = new Map<string, number>();

  constructor(options: RealtimeOptions) {
    this.opts = {
      backoff: { baseMs: 500, maxMs: 30_000 },
      random: Math.random,
      heartbeatMs: 25_000,
      ackTimeoutMs: 15_000,
      maxSendAttempts: 3,
      signals: new LiveSignals(),
      ...options,
    };
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
    if (this.statusValue !== 'online') return;
    const now = Date.now();
    if (now - (this.typingSentAt.get(roomId) ?? -Infinity) < Limits.typingMinIntervalMs) return;
    this.typingSentAt.set(roomId, now);
    this.write({ type: 'typing', roomId });
  }

  /**
   * Follow these users' presence (replaces the list; `[]` stops). Sent now if online and again after every
   * resume; results land in `signals`. The server refuses a list with anyone you share no room with.
   */
  followPresence(userIds: string[]): void {
    this.followed = [...new Set(userIds)].slice(0, Limits.presenceSubscribeMax);
    if (this.statusValue === 'online') this.sendFollow();
  }

  private sendFollow(): void {
    const id = this.opts.newId();
    this.presenceRequest = id;
    this.write({ type: 'presence_subscribe', id, userIds: this.followed });
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** The signed-in user, as the server's hello said. */
  get me(): string | null {
    return this.userId;
  }

  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Every event applied to a timeline (not duplicates), for the app to refresh what depends on it. */
  onEvent(fn: RoomEventListener): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  start(): void {
    if (this.statusValue !== 'idle' && this.statusValue !== 'stopped') return;
    void this.connect();
  }

  stop(): void {
    this.setStatus('stopped');
    this.clearReconnect();
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    const s = this.socket;
    this.dropSocket();
    s?.close(1000, 'bye');
  }

  /** The network came back or the page became visible: do not wait out the backoff. */
  reconnectNow(): void {
    if (this.statusValue === 'offline') {
      this.clearReconnect();
      void this.connect();
    } else if (this.statusValue === 'online') {
      this.ping();
    }
  }

  /**
   * The browser reports the network gone. An open WebSocket can outlive that for a long time (until the
   * heartbeat gives up), so drop it now: messages written meanwhile stay in the outbox instead of being
   * handed to a dead socket, and the banner tells the truth. `reconnectNow` (on `online`) brings it back;
   * the backoff timer also retries in case the browser never says so.
   */
  networkLost(): void {
    if (this.statusValue === 'stopped' || this.statusValue === 'idle' || this.statusValue === 'offline') return;
    const s = this.socket;
    this.dropSocket();
    s?.close(1000, 'offline');
    this.scheduleReconnect();
  }

  /** Write a message: it goes to the outbox at once (pending) and is sent when the socket is online. */
  send(roomId: string, text: string): string {
    const entry = this.opts.outbox.add(roomId, text);
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

  // ---- connection ----

  private async connect(): Promise<void> {
    this.setStatus('connecting');
    let token: string | null;
    try {
      token = this.failedBeforeHello >= 3 ? await this.opts.auth.refreshAccessToken() : await this.opts.auth.getAccessToken();
      if (this.failedBeforeHello >= 3) this.failedBeforeHello = 0;
    } catch (err) {
      // Network trouble while refreshing: try again later.
      this.opts.log?.('token fetch failed', err);
      this.scheduleReconnect();
      return;
    }
    if (this.statusValue !== 'connecting') return; // stopped meanwhile
    if (!token) return this.endSession('unauthenticated');
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url(token));
    } catch (err) {
      this.opts.log?.('socket create failed', err);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.helloSeen = false;
    socket.onmessage = (ev) => this.onFrame(socket, ev.data);
    socket.onclose = (ev) => this.onClose(socket, ev.code);
    socket.onerror = () => {};
  }

  private onFrame(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    this.lastFrameAt = Date.now();
    this.pingSentAt = null;
    const frame = parseFrame(data);
    if (!frame) return this.opts.log?.('bad frame', data);
    switch (frame.type) {
      case 'hello':
        this.helloSeen = true;
        this.failedBeforeHello = 0;
        this.userId = frame.userId;
        this.setStatus('syncing');
        this.write({ type: 'resume', rooms: this.opts.timelines.positions() });
        this.startHeartbeat();
        return;
      case 'event':
        return this.handleEvent(frame.room, frame.seq, frame.event);
      case 'synced':
        for (const [roomId, seq] of Object.entries(frame.rooms)) this.opts.timelines.advance(roomId, seq);
        // Tracked rooms the server did not list are rooms the user is no longer in.
        for (const roomId of Object.keys(this.opts.timelines.positions())) {
          if (!(roomId in frame.rooms)) this.opts.timelines.untrack(roomId);
        }
        this.attempt = 0;
        this.setStatus('online');
        this.flush();
        if (this.followed.length > 0) this.sendFollow();
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
        if (frame.id && this.inFlight.has(frame.id)) return this.onSendError(frame.id, frame.code, frame.message);
        return this.onConnectionError(frame.code, frame.message);
      case 'pong':
        return;
      case 'reconnect':
        // The server is draining; its close (4000) follows and reconnects us.
        return;
    }
  }

  private handleEvent(roomId: string, seq: number, event: EventEnvelope): void {
    const tl = this.opts.timelines;
    const data = event.data as Record<string, unknown>;
    const aboutMe = this.userId !== null && data.userId === this.userId;
    if (event.type === 'MemberJoined' && aboutMe && tl.get(roomId).position === null && tl.get(roomId).items.length > 0) {
      // Re-joined after a time away: what is held is from before a gap, start the room afresh.
      tl.reset(roomId, null);
    }
    if (!tl.applyEvent(roomId, seq, event)) return;
    if (event.type === 'MessageSent' && typeof data.senderId === 'string') this.opts.signals.typingStopped(roomId, data.senderId);
    if (event.type === 'MemberLeft' && aboutMe) tl.untrack(roomId);
    if (event.type === 'MessageSent' && data.senderId === this.userId && typeof data.clientMsgId === 'string') {
      // Ours, committed: settled even if the ack was lost with a socket.
      if (this.opts.outbox.remove(data.clientMsgId)) this.release(data.clientMsgId);
    }
    for (const fn of this.eventListeners) fn(roomId, seq, event);
  }

  private onClose(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    const hadHello = this.helloSeen;
    this.dropSocket();
    if (this.statusValue === 'stopped') return;
    if (code === CloseCode.SessionRevoked) return this.endSession('revoked');
    if (code === CloseCode.UserDeactivated) return this.endSession('deactivated');
    if (code === CloseCode.TokenExpired || code === CloseCode.Unauthenticated) {
      void this.refreshThenConnect(code === CloseCode.Unauthenticated);
      return;
    }
    if (!hadHello) this.failedBeforeHello++;
    // Server asked us to move (4000): come back almost at once; otherwise back off.
    this.scheduleReconnect(code === CloseCode.Reconnect ? 0 : undefined);
    if (!shouldResume(code)) this.opts.log?.('socket closed', { code });
  }

  /**
   * An error frame that names no request. While syncing it means the edge could not load the rooms (it asks
   * for a new resume): start over on a fresh connection after a backoff. `rate_limited` means the edge
   * dropped a frame without saying which: resend whatever is in flight (same clientMsgId, so harmless).
   */
  private onConnectionError(code: string, message: string): void {
    this.opts.log?.('server error', { code, message });
    if (this.statusValue === 'syncing') {
      const s = this.socket;
      this.dropSocket();
      s?.close(CLIENT_GIVE_UP, 'resume failed');
      this.scheduleReconnect();
      return;
    }
    if (code === 'rate_limited' && this.inFlight.size > 0) {
      for (const id of [...this.inFlight.keys()]) this.takeInFlight(id);
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        this.flush();
      }, 1000);
      this.retryTimers.add(t);
    }
  }

  private async refreshThenConnect(countAsFailure: boolean): Promise<void> {
    this.setStatus('offline');
    let token: string | null;
    try {
      token = await this.opts.auth.refreshAccessToken();
    } catch (err) {
      this.opts.log?.('refresh failed', err);
      this.scheduleReconnect();
      return;
    }
    if (this.statusValue === 'stopped') return;
    if (!token) return this.endSession('unauthenticated');
    // A fresh token rejected again (4100) is not fixed by refreshing in a loop: back off.
    if (countAsFailure) this.scheduleReconnect();
    else void this.connect();
  }

  private scheduleReconnect(delayMs?: number): void {
    if (this.statusValue === 'stopped') return;
    this.setStatus('offline');
    this.clearReconnect();
    const delay = delayMs ?? backoffDelay(this.attempt, this.opts.backoff, this.opts.random);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** Forget the current socket: pending sends stay in the outbox and go again after the next resume. */
  private dropSocket(): void {
    const s = this.socket;
    if (s) {
      s.onmessage = null;
      s.onclose = null;
      s.onerror = null;
      s.onopen = null;
    }
    this.socket = null;
    this.helloSeen = false;
    this.presenceRequest = null;
    this.typingSentAt.clear();
    this.opts.signals.reset();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const f of this.inFlight.values()) clearTimeout(f.timer);
    this.inFlight.clear();
    this.sendingRoom.clear();
  }

  private endSession(reason: 'revoked' | 'deactivated' | 'unauthenticated'): void {
    this.stop();
    this.opts.auth.onSessionEnded(reason);
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const every = this.opts.heartbeatMs;
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (this.pingSentAt !== null && now - this.pingSentAt >= every) return this.abandon();
      if (now - this.lastFrameAt >= every) this.ping();
    }, Math.max(1000, Math.floor(every / 2)));
  }

  private ping(): void {
    if (!this.socket || !this.helloSeen) return;
    if (this.pingSentAt === null) this.pingSentAt = Date.now();
    this.write({ type: 'ping' });
  }

  /** The socket went silent (sleep, dead network): a browser may take minutes to notice, so do not wait. */
  private abandon(): void {
    const s = this.socket;
    if (!s) return;
    this.dropSocket();
    try {
      s.close(CLIENT_GIVE_UP, 'heartbeat timeout');
    } catch {
      // already closing
    }
    this.scheduleReconnect(0);
  }

  // ---- outbox ----

  /** Send the next pending message of every room that has none in flight. */
  private flush(): void {
    if (this.statusValue !== 'online' || !this.socket) return;
    for (const roomId of this.opts.outbox.roomsWithPending()) {
      if (!this.sendingRoom.has(roomId)) this.sendNext(roomId);
    }
  }

  private sendNext(roomId: string): void {
    for (let entry = this.opts.outbox.nextPending(roomId); entry; entry = this.opts.outbox.nextPending(roomId)) {
      const id = this.opts.newId();
      const frame = JSON.stringify({ type: 'send', id, roomId, clientMsgId: entry.clientMsgId, text: entry.text } satisfies ClientFrame);
      if (new TextEncoder().encode(frame).length > Limits.wsFrameBytes) {
        // The edge would close the socket (1009) and every resend would too: fail it here instead.
        this.opts.outbox.update(entry.clientMsgId, { status: 'failed', error: { code: 'body_too_large', message: 'This message is too large to send.' } });
        continue;
      }
      const timer = setTimeout(() => this.onSendError(id, 'timeout', 'No answer from the server.'), this.opts.ackTimeoutMs);
      this.inFlight.set(id, { clientMsgId: entry.clientMsgId, roomId, timer });
      this.sendingRoom.set(roomId, entry.clientMsgId);
      this.opts.outbox.update(entry.clientMsgId, { attempts: entry.attempts + 1 });
      this.writeRaw(frame);
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
    if (!f) return;
    const message = (result as { message?: Message } | null)?.message;
    if (message && typeof message.seq === 'number') this.opts.timelines.insertMessage(f.roomId, message);
    this.opts.outbox.remove(f.clientMsgId);
    this.flush();
  }

  private onSendError(id: string, code: string, message: string): void {
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
        }, backoffDelay(entry.attempts, { baseMs: 1000, maxMs: 10_000 }, this.opts.random));
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
      if (f.clientMsgId === clientMsgId) this.takeInFlight(id);
    }
    this.flush();
  }

  private write(frame: ClientFrame): void {
    this.writeRaw(JSON.stringify(frame));
  }

  private writeRaw(data: string): void {
    try {
      this.socket?.send(data);
    } catch (err) {
      this.opts.log?.('send failed', err);
    }
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.statusValue === s) return;
    this.statusValue = s;
    for (const fn of this.statusListeners) fn(s);
  }
}

const SERVER_TYPES = new Set(['hello', 'event', 'synced', 'ack', 'error', 'pong', 'reconnect', 'typing', 'presence']);

/** Parse a server frame. The edge validates what it sends; this only guards the fields the client reads. */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let f: unknown;
  try {
    f = JSON.parse(data);
  } catch {
    return null;
  }
  if (!f || typeof f !== 'object') return null;
  const o = f as Record<string, unknown>;
  if (typeof o.type !== 'string' || !SERVER_TYPES.has(o.type)) return null;
  if (o.type === 'event') {
    const e = o.event as Record<string, unknown> | null;
    if (typeof o.room !== 'string' || typeof o.seq !== 'number' || !e || typeof e.type !== 'string') return null;
  }
  if (o.type === 'synced' && (!o.rooms || typeof o.rooms !== 'object')) return null;
  if (o.type === 'typing' && (typeof o.room !== 'string' || typeof o.userId !== 'string')) return null;
  if (o.type === 'presence' && (typeof o.userId !== 'string' || typeof o.online !== 'boolean')) return null;
  if ((o.type === 'ack' || o.type === 'hello') && typeof (o.type === 'ack' ? o.id : o.userId) !== 'string') return null;
  return o as ServerFrame;
}
