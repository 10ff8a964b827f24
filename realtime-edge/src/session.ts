import {
  ClientFrame,
  CloseCode,
  ErrorCodes,
  Limits,
  NatterError,
  toEnvelope,
  type CommandName,
  type ErrorCode,
  type ServerFrame,
  type StoredEvent,
} from '@natter/contracts';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config';
import type { Fanout, SessionLike } from './fanout';
import type { EdgeMetrics } from './metrics';
import type { CommandForwarder, MembershipSource, Signals } from './ports';
import type { ExpiryWheel } from './expiry';
import type { PresenceHub, PresenceReporter } from './presence';
import { RoomCursor, type CursorOwner } from './room-cursor';

/** What a session needs from its socket (uWS in app.ts, anything in unit tests). */
export interface SocketLike {
  send(text: string): void;
  bufferedAmount(): number;
  end(code: number, reason: string): void;
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
}

const CLIENT_TYPES = new Set(['resume', 'send', 'join', 'leave', 'ping', 'presence_subscribe', 'typing']);
const MAX_PARALLEL_BACKFILLS = 8;
const frameCache = new WeakMap<StoredEvent, string>();

/**
 * One WebSocket connection of one user session. Nothing is delivered before the client's `resume`; then the
 * membership snapshot decides the rooms and each room gets a RoomCursor (room-cursor.ts has the recovery).
 * Guarantee: a frame the session cannot handle gets an error frame; only size, backpressure, auth and
 * drain close the socket.
 *
 * Memory: an idle connection is the common case (10,000s per node), so per-socket state is allocated when
 * first needed: the cursor and typing maps, the child logger; token expiry is a bucket entry in the node's
 * ExpiryWheel rather than a timer per socket.
 */
export class Session implements SessionLike, CursorOwner {
  private state: 'new' | 'resuming' | 'resumed' = 'new';
  /** roomId -> cursor; created by the first cursor (resume or live join). */
  private cursors: Map<string, RoomCursor> | null = null;
  private pendingMeta: StoredEvent[] | null = null;
  private asOfSeq = 0;
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
  private get log(): Logger {
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
    this.send({ type: 'hello', userId: this.userId, connId: this.connId, node: this.deps.config.nodeId });
  }

  isOpen(): boolean {
    return this.open;
  }

  // ---- client frames ----------------------------------------------------------------------------------------

  onFrame(data: ArrayBuffer, isBinary: boolean): void {
    this.deps.metrics.framesIn++;
    if (!this.takeToken()) {
      this.deps.metrics.rateLimited++;
      return this.sendError(undefined, 'rate_limited');
    }
    if (isBinary) return this.badFrame('unknown_frame', 'binary frames are not part of the protocol');
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      return this.badFrame('unknown_frame', 'frame is not valid JSON');
    }
    const type = (json as { type?: unknown } | null)?.type;
    const rawId = (json as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' ? rawId.slice(0, 64) : undefined;
    if (typeof json !== 'object' || json === null || typeof type !== 'string' || !CLIENT_TYPES.has(type)) {
      return this.badFrame('unknown_frame', 'unknown frame type', id);
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
      return this.badFrame('validation_failed', where, id);
    }
    const f = parsed.data;
    switch (f.type) {
      case 'ping':
        return this.send({ type: 'pong', ...(f.id ? { id: f.id } : {}) });
      case 'resume':
        void this.resume(f.rooms).catch((err) => this.log.error({ err }, 'resume failed'));
        return;
      case 'send':
        return this.forward('SendMessage', f.id, { roomId: f.roomId, clientMsgId: f.clientMsgId, text: f.text });
      case 'join':
        return this.forward('JoinRoom', f.id, { roomId: f.roomId });
      case 'leave':
        return this.forward('LeaveRoom', f.id, { roomId: f.roomId });
      case 'presence_subscribe':
        void this.deps.presence.subscribe(this, f.id, f.userIds).catch((err) => this.log.error({ err }, 'presence_subscribe failed'));
        return;
      case 'typing':
        return this.typing(f.roomId);
    }
  }

  /**
   * Relay "typing" to the room's other members through core NATS. Members only: the room must be one this
   * socket is delivering (so only after `resume`). At most one signal per room per Limits.typingMinIntervalMs;
   * extra frames are dropped without an answer (clients may send one per keystroke).
   */
  private typing(roomId: string): void {
    const c = this.cursors?.get(roomId);
    if (!c || c.ended || !c.isMember) return this.sendError(undefined, 'not_member', 'typing: you are not in this room (or have not sent resume)');
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

  private sendError(id: string | undefined, code: ErrorCode, message?: string): void {
    this.send({ type: 'error', ...(id ? { id } : {}), code, message: message ?? ErrorCodes[code].message });
  }

  private forward(name: CommandName, id: string, input: unknown): void {
    void this.deps.commands
      .execute(name, { auth: { userId: this.userId, sessionId: this.sessionId }, input })
      .then((reply) => {
        if (reply.ok) this.send({ type: 'ack', id, result: reply.result });
        else this.send({ type: 'error', id, code: reply.error.code, message: reply.error.message });
      })
      .catch((err) => {
        this.log.error({ err, name }, 'command forwarding failed');
        this.sendError(id, 'internal');
      });
  }

  // ---- resume -----------------------------------------------------------------------------------------------

  private async resume(listed: Record<string, number>): Promise<void> {
    if (this.state !== 'new') return this.sendError(undefined, 'validation_failed', 'resume was already sent on this connection');
    this.state = 'resuming';
    this.pendingMeta = [];
    // Live meta is subscribed node-wide; membership events for this user are buffered from here on.
    const minSeq = this.deps.fanout.metaHighWater;
    let snap;
    try {
      snap = await this.deps.membership.userRooms(this.userId, minSeq);
    } catch (err) {
      this.state = 'new';
      this.pendingMeta = null;
      const code: ErrorCode = err instanceof NatterError ? err.code : 'unavailable';
      this.log.warn({ err }, 'membership snapshot failed');
      return this.sendError(undefined, code, 'could not load your rooms; send resume again');
    }
    if (!this.open) return;
    this.asOfSeq = snap.asOfSeq;
    const starts = new Map<string, number>();
    for (const r of snap.rooms) {
      const from = listed[r.roomId];
      starts.set(r.roomId, from !== undefined ? Math.max(from, r.joinedSeq - 1) : Math.max(r.lastSeq, r.joinedSeq - 1));
    }
    for (const ev of this.pendingMeta ?? []) {
      if (ev.type === 'MemberJoined' && ev.seq > snap.asOfSeq && !starts.has(ev.data.roomId)) starts.set(ev.data.roomId, ev.seq - 1);
    }
    this.pendingMeta = null;
    this.state = 'resumed';
    const created = [...starts].map(([roomId, pos]) => this.addCursor(roomId, pos));
    await runLimited(created.map((c) => () => c.start()), MAX_PARALLEL_BACKFILLS);
    if (!this.open) return;
    const rooms: Record<string, number> = {};
    for (const c of this.cursors?.values() ?? []) if (!c.ended && c.isMember) rooms[c.roomId] = c.pos;
    this.send({ type: 'synced', rooms });
  }

  private addCursor(roomId: string, pos: number): RoomCursor {
    const c = new RoomCursor(roomId, pos, this, this.deps.fanout);
    (this.cursors ??= new Map()).set(roomId, c);
    return c;
  }

  onMembership(ev: StoredEvent): void {
    if (this.state === 'resuming') {
      this.pendingMeta?.push(ev);
      return;
    }
    if (this.state !== 'resumed' || !this.open) return;
    if (ev.type === 'MemberJoined' && ev.seq > this.asOfSeq && !this.cursors?.has(ev.data.roomId)) {
      void this.addCursor(ev.data.roomId, ev.seq - 1).start();
    }
  }

  resyncMembership(): void {
    if (this.state !== 'resumed' || !this.open) return;
    this.deps.membership.userRooms(this.userId, this.deps.fanout.metaHighWater).then(
      (snap) => {
        if (!this.open) return;
        this.asOfSeq = Math.max(this.asOfSeq, snap.asOfSeq);
        for (const r of snap.rooms) if (!this.cursors?.has(r.roomId)) void this.addCursor(r.roomId, r.joinedSeq - 1).start();
      },
      (err) => {
        this.log.warn({ err }, 'membership refresh after reconnect failed: asking the client to resume');
        this.closeWith(CloseCode.ServerError, 'membership refresh failed; resume');
      },
    );
  }

  cursorEnded(cursor: RoomCursor): void {
    if (this.cursors?.get(cursor.roomId) === cursor) this.cursors.delete(cursor.roomId);
    this.typingAt?.delete(cursor.roomId);
  }

  // ---- output -----------------------------------------------------------------------------------------------

  sendEvent(roomId: string, ev: StoredEvent): void {
    let text = frameCache.get(ev);
    if (!text) {
      text = JSON.stringify({ type: 'event', room: roomId, seq: ev.seq, event: toEnvelope(ev) } satisfies ServerFrame);
      frameCache.set(ev, text);
    }
    this.deps.metrics.eventsDelivered++;
    this.sendText(text);
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
    if (this.socket.bufferedAmount() > Limits.wsBackpressureBytes) {
      this.deps.metrics.slowConsumerCloses++;
      this.log.info({ buffered: this.socket.bufferedAmount() }, 'slow consumer: closing');
      this.closeWith(CloseCode.SlowConsumer, 'slow consumer; resume');
    }
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
    if (this.cursors) for (const c of [...this.cursors.values()]) c.end();
    this.cursors = null;
    this.typingAt = null;
  }
}

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
