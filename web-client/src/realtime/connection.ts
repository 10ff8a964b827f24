import { CloseCode, mustReset, shouldResume, type ClientFrame, type ServerFrame } from '@natter/contracts/browser';
import { backoffDelay } from './backoff';
import { parseFrame } from './frames';
import type { ConnectionStatus, RealtimeAuth, SessionEndReason, SocketFactory, SocketLike } from './types';

/** The client's own close code when it abandons a socket (heartbeat lost, resume refused). */
export const CLIENT_GIVE_UP = 4900;

export interface ConnectionOptions {
  url: (accessToken: string) => string;
  createSocket: SocketFactory;
  auth: RealtimeAuth;
  backoff: { baseMs: number; maxMs: number };
  random: () => number;
  /** Ping when nothing was received for this long; give up on the socket after as long again. */
  heartbeatMs: number;
  log?: (msg: string, data?: unknown) => void;
}

/** What the connection tells the protocol layer (RealtimeClient). */
export interface ConnectionHandler {
  /** Every parsed frame of the current socket (after the connection's own handling of `hello`). */
  onFrame(frame: ServerFrame): void;
  /** The socket is gone (closed, dropped, abandoned): whatever was in flight on it is void. */
  onSocketGone(): void;
  /** The server closed with 4003 (reset): positions must be dropped before the next resume. */
  onResetClose(): void;
}

/**
 * One WebSocket at a time, and getting it back: tokens, backoff, heartbeat and close codes. No protocol beyond
 * `hello` (which moves the status to `syncing` and starts the heartbeat); the rest goes to the handler.
 *
 * Close codes: 40xx reconnect with backoff (4000 and 4003 at once; 4003 after the handler dropped the
 * positions); 4101 (and 4100) refresh the token first; 4102/4103 end the session; anything else (network)
 * reconnects with backoff.
 */
export class Connection {
  private statusValue: ConnectionStatus = 'idle';
  private socket: SocketLike | null = null;
  private helloSeen = false;
  private attempt = 0;
  private failedBeforeHello = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private pingSentAt: number | null = null;
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly handler: ConnectionHandler,
  ) {}

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** Whether there is a socket that has said hello (frames may be written). */
  get ready(): boolean {
    return this.socket !== null && this.helloSeen;
  }

  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  start(): void {
    if (this.statusValue !== 'idle' && this.statusValue !== 'stopped') return;
    void this.connect();
  }

  stop(): void {
    this.setStatus('stopped');
    this.clearReconnect();
    const s = this.socket;
    this.dropSocket();
    s?.close(1000, 'bye');
  }

  /** `synced`: the socket is live. Resets the backoff. */
  markOnline(): void {
    this.attempt = 0;
    this.setStatus('online');
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

  /** The browser reports the network gone: drop the socket now (it may linger until the heartbeat gives up). */
  networkLost(): void {
    if (this.statusValue === 'stopped' || this.statusValue === 'idle' || this.statusValue === 'offline') return;
    const s = this.socket;
    this.dropSocket();
    s?.close(1000, 'offline');
    this.scheduleReconnect();
  }

  /** Give up on this socket and start over on a new one after a backoff (the resume was refused). */
  restart(reason: string): void {
    const s = this.socket;
    this.dropSocket();
    s?.close(CLIENT_GIVE_UP, reason);
    this.scheduleReconnect();
  }

  write(frame: ClientFrame): void {
    this.writeRaw(JSON.stringify(frame));
  }

  writeRaw(data: string): void {
    try {
      this.socket?.send(data);
    } catch (err) {
      this.opts.log?.('send failed', err);
    }
  }

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
    socket.onmessage = (ev) => this.onMessage(socket, ev.data);
    socket.onclose = (ev) => this.onClose(socket, ev.code);
    socket.onerror = () => {};
  }

  private onMessage(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    this.lastFrameAt = Date.now();
    this.pingSentAt = null;
    const frame = parseFrame(data);
    if (!frame) return this.opts.log?.('bad frame', data);
    if (frame.type === 'hello') {
      this.helloSeen = true;
      this.failedBeforeHello = 0;
      this.setStatus('syncing');
      this.startHeartbeat();
    }
    this.handler.onFrame(frame);
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
    if (mustReset(code)) this.handler.onResetClose();
    if (!hadHello) this.failedBeforeHello++;
    // Server asked us to move (4000) or to start over (4003): come back almost at once; otherwise back off.
    this.scheduleReconnect(code === CloseCode.Reconnect || mustReset(code) ? 0 : undefined);
    if (!shouldResume(code)) this.opts.log?.('socket closed', { code });
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

  /** Forget the current socket. */
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
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.handler.onSocketGone();
  }

  private endSession(reason: SessionEndReason): void {
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

  private setStatus(s: ConnectionStatus): void {
    if (this.statusValue === s) return;
    this.statusValue = s;
    for (const fn of this.statusListeners) fn(s);
  }
}
