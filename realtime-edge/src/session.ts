import { CloseCode, CommandFrames, ErrorCodes, Limits, retryAfterMsOf, type CommandName, type ErrorCode, type ResetReason, type ServerFrame, type StoredEvent } from '@natter/contracts';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config';
import type { Fanout, SessionLike } from './fanout';
import { eventFrameText } from './event-frame';
import { errorMessageOf, readFrame, validateFrame } from './frames';
import type { EdgeMetrics } from './metrics';
import type { CommandForwarder, MembershipSource, Signals } from './ports';
import type { ExpiryWheel } from './expiry';
import type { PresenceHub, PresenceReporter } from './presence';
import type { CursorContext, RoomCursor } from './room-cursor';
import { SessionRooms, type RoomsOwner } from './session-rooms';

/** What a session needs from its socket (uWS in app.ts, anything in unit tests). */
export interface SocketLike {
  send(text: string): void;
  bufferedAmount(): number;
  end(code: number, reason: string): void;
  /** uWS topics (live-topic.ts); never called on a closed socket. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

export interface SessionDeps {
  config: EdgeConfig;
  fanout: Fanout;
  membership: MembershipSource;
  commands: CommandForwarder;
  metrics: EdgeMetrics;
  log: Logger;
  presence: PresenceHub;
  reporter: PresenceReporter;
  signals: Signals;
  /** Closes sockets whose access token expired (one timer for the node). */
  expiries: ExpiryWheel<Session>;
  /** Shared by every cursor of the node (the feed, the resume bounds, the counters). */
  cursors: CursorContext;
}

/**
 * One WebSocket connection of one user session: frames in (frames.ts parses them), commands forwarded, typing,
 * frames out with backpressure, and the close paths. Nothing is delivered before the client's `resume`; from
 * then on SessionRooms (session-rooms.ts) holds the socket's rooms, one RoomCursor each (room-cursor.ts has
 * the recovery, resume.ts the epoch/position check and the starting positions).
 * Guarantee: a frame the session cannot handle gets an error frame; only size, backpressure, auth and
 * drain close the socket.
 *
 * Memory: an idle connection is the common case (10,000s per node), so per-socket state is allocated when
 * first needed: the cursor and typing maps, the child logger; token expiry is a bucket entry in the node's
 * ExpiryWheel rather than a timer per socket.
 */
export class Session implements SessionLike, RoomsOwner {
  /** Made by the first `resume`. */
  private rooms: SessionRooms | null = null;
  private open = true;
  private tokens: number;
  private lastRefill = Date.now();
  /** Bucket key in deps.expiries, if the token expires. */
  private expiryKey?: number;
  /** roomId -> when this socket last relayed a typing signal for it (Limits.typingMinIntervalMs). */
  private typingAt: Map<string, number> | null = null;
  private logger?: Logger;

  constructor(
    private readonly deps: SessionDeps,
    private readonly socket: SocketLike,
    readonly userId: string,
    readonly sessionId: string,
    readonly connId: string,
    tokenExpiresAtMs?: number,
  ) {
    this.tokens = deps.config.commandBurst;
    if (tokenExpiresAtMs) this.expiryKey = deps.expiries.add(this, tokenExpiresAtMs);
  }

  /** A child logger with this connection's ids, made on first use (most sockets never log). */
  get log(): Logger {
    return (this.logger ??= this.deps.log.child({ connId: this.connId, userId: this.userId }));
  }

  /** The access token expired (ExpiryWheel). */
  expire(): void {
    this.expiryKey = undefined;
    this.closeWith(CloseCode.TokenExpired, 'access token expired');
  }

  opened(): void {
    this.deps.metrics.connections++;
    this.deps.fanout.registerSession(this);
    this.deps.reporter.connected(this);
    this.send({ type: 'hello', userId: this.userId, connId: this.connId, node: this.deps.config.nodeId, epoch: this.deps.fanout.epoch });
  }

  isOpen(): boolean {
    return this.open;
  }

  // ---- client frames ----------------------------------------------------------------------------------------

  onFrame(data: ArrayBuffer, isBinary: boolean): void {
    this.deps.metrics.framesIn++;
    const read = readFrame(data, isBinary);
    // Every frame takes a token, ping and typing included; the refusal names the frame's id when it has one.
    if (!this.takeToken()) {
      this.deps.metrics.rateLimited++;
      const retryAfterMs = Math.ceil(((1 - this.tokens) / this.deps.config.commandsPerSecond) * 1000);
      return this.send({ type: 'error', ...(read.id ? { id: read.id } : {}), code: 'rate_limited', message: ErrorCodes.rate_limited.message, retryAfterMs: Math.max(1, retryAfterMs) });
    }
    const parsed = read.ok ? validateFrame(read) : read;
    if (!parsed.ok) return this.badFrame(parsed.code, parsed.message, parsed.id);
    const f = parsed.frame;
    switch (f.type) {
      case 'ping':
        return this.send({ type: 'pong', ...(f.id ? { id: f.id } : {}) });
      case 'resume':
        this.rooms ??= new SessionRooms(this, this.deps);
        void this.rooms.resume(f.rooms, f.epoch, f.user).catch((err) => this.log.error({ err }, 'resume failed'));
        return;
      case 'command':
        // Any forwardable command by name (contracts' `Commands` with nats: true), its input as HTTP's.
        return this.forward(f.name, f.id, f.input);
      case 'presence_subscribe':
        void this.deps.presence.subscribe(this, f.id, f.userIds).catch((err) => this.log.error({ err }, 'presence_subscribe failed'));
        return;
      case 'typing':
        return this.typing(f.roomId);
      default: {
        // A command (contracts' CommandFrames: send, join, edit, react, ...): the frame is its input plus
        // `type` and `id`, forwarded as it is; the edge needs no change for a new one.
        const { type, id, ...input } = f;
        return this.forward(CommandFrames[type], id, input);
      }
    }
  }

  /**
   * Relay "typing" to the room's other members through core NATS. Members only: the room must be one this
   * socket is delivering (so only after `resume`). At most one signal per room per Limits.typingMinIntervalMs;
   * extra frames are dropped without an answer (clients may send one per keystroke).
   */
  private typing(roomId: string): void {
    if (!this.rooms?.memberCursor(roomId)) return this.sendError(undefined, 'not_member', 'typing: you are not in this room (or have not sent resume)');
    const now = Date.now();
    if (now - (this.typingAt?.get(roomId) ?? 0) < Limits.typingMinIntervalMs) {
      this.deps.metrics.typingDropped++;
      return;
    }
    (this.typingAt ??= new Map()).set(roomId, now);
    this.deps.metrics.typingPublished++;
    this.deps.signals.publishTyping({ roomId, userId: this.userId, connId: this.connId });
  }

  private takeToken(): boolean {
    const now = Date.now();
    const { commandsPerSecond, commandBurst } = this.deps.config;
    this.tokens = Math.min(commandBurst, this.tokens + ((now - this.lastRefill) / 1000) * commandsPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private badFrame(code: ErrorCode, message: string, id?: string): void {
    this.deps.metrics.badFrames++;
    this.send({ type: 'error', ...(id ? { id } : {}), code, message });
  }

  sendError(id: string | undefined, code: ErrorCode, message?: string): void {
    this.send({ type: 'error', ...(id ? { id } : {}), code, message: message ?? ErrorCodes[code].message });
  }

  private forward(name: CommandName, id: string, input: unknown): void {
    void this.deps.commands
      .execute(name, { auth: { userId: this.userId, sessionId: this.sessionId }, input })
      .then((reply) => {
        if (reply.ok) return this.send({ type: 'ack', id, result: reply.result });
        const retryAfterMs = retryAfterMsOf(reply.error);
        this.send({ type: 'error', id, code: reply.error.code, message: errorMessageOf(reply.error), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      })
      .catch((err) => {
        this.log.error({ err, name }, 'command forwarding failed');
        this.sendError(id, 'internal');
      });
  }

  // ---- rooms (session-rooms.ts) ----------------------------------------------------------------------------

  onMembership(ev: StoredEvent): void {
    this.rooms?.onMembership(ev);
  }

  resyncMembership(): void {
    this.rooms?.resyncMembership();
  }

  cursorEnded(cursor: RoomCursor): void {
    this.rooms?.cursorEnded(cursor);
    this.typingAt?.delete(cursor.roomId);
  }

  // ---- output -----------------------------------------------------------------------------------------------

  sendEvent(roomId: string, ev: StoredEvent): void {
    this.deps.metrics.eventsDelivered++;
    this.sendText(eventFrameText(roomId, ev));
  }

  subscribe(topic: string): void {
    if (this.open) this.socket.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    if (this.open) this.socket.unsubscribe(topic);
  }

  bufferedAmount(): number {
    return this.open ? this.socket.bufferedAmount() : 0;
  }

  sendTruncated(roomId: string, after: number, upto: number): void {
    this.send({ type: 'truncated', room: roomId, after, upto });
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  sendSignal(text: string): void {
    this.deps.metrics.typingDelivered++;
    this.sendText(text);
  }

  sendText(text: string): void {
    if (!this.open) return;
    this.socket.send(text);
    this.deps.metrics.framesOut++;
    if (this.socket.bufferedAmount() > this.deps.config.backpressureBytes) {
      this.deps.metrics.slowConsumerCloses++;
      this.log.info({ buffered: this.socket.bufferedAmount() }, 'slow consumer: closing');
      this.closeWith(CloseCode.SlowConsumer, 'slow consumer; resume');
    }
  }

  /** The client's positions are not positions of this stream: it drops them and reconnects (close 4003). */
  reset(reason: ResetReason, epoch: string): void {
    this.deps.metrics.resetsSent++;
    this.log.debug({ reason, epoch }, 'reset: positions of another stream');
    this.send({ type: 'reset', reason, epoch });
    this.closeWith(CloseCode.Reset, `reset: ${reason}`);
  }

  /** Drain: invite the client to reconnect elsewhere. */
  drain(): void {
    this.send({ type: 'reconnect', reason: 'node draining' });
    this.closeWith(CloseCode.Reconnect, 'node draining');
  }

  closeWith(code: number, reason: string): void {
    if (!this.open) return;
    this.log.debug({ code, reason }, 'closing socket');
    // Closed first: uWS runs its close handler inside end(), which must see this session as already closed.
    this.closed();
    this.socket.end(code, reason);
  }

  /** The socket is gone (uWS close handler, or closeWith). Idempotent. */
  closed(): void {
    if (!this.open) return;
    this.open = false;
    if (this.expiryKey !== undefined) this.deps.expiries.remove(this, this.expiryKey);
    this.deps.metrics.connections--;
    this.deps.fanout.unregisterSession(this);
    this.deps.reporter.disconnected(this);
    this.deps.presence.remove(this);
    this.rooms?.close();
    this.rooms = null;
    this.typingAt = null;
  }
}

