import { NatterError, PresenceStaleHeartbeats, presenceKey, type PresenceEntry, type ServerFrame } from '@natter/contracts';
import type { PresenceDirectory } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { EdgeMetrics } from './metrics';
import type { PresenceAuthorizer, PresenceStore } from './ports';

interface Conn {
  userId: string;
  /** ms since epoch (formatted when written: one string less per idle connection). */
  connectedAt: number;
  /** Which tick of the heartbeat period refreshes this connection (see HEARTBEAT_SLOTS). */
  slot: number;
  /** The last write on this key while one is pending (null when idle, so idle connections hold no promise). */
  chain: Promise<void> | null;
  busy: number;
}

/** What presence needs of a session. */
export interface PresenceSession {
  readonly userId: string;
  readonly connId: string;
  send(frame: ServerFrame): void;
  /** A frame already serialized: one transition goes to many followers, stringified once. */
  sendText(text: string): void;
}

/**
 * The heartbeat period is cut into this many ticks and each connection is refreshed on its own tick, so a node
 * with N connections writes N / HEARTBEAT_SLOTS entries at a time. One burst of N puts per period stalled the
 * edge's event loop (and nats-server, and every presence watcher) long enough to show in delivery latency.
 */
export const HEARTBEAT_SLOTS = 10;

/**
 * Writes this node's connections into KV `natter_presence` (format and staleness rule: contracts/src/presence.ts):
 * put on open, put again once every heartbeat period (one timer for the node, spread over HEARTBEAT_SLOTS
 * ticks), delete on close and on drain, then the user's last-seen time (`natter_last_seen`). Work on one key runs in order (a chain per connection), so a delete
 * can never be overtaken by the put of the open it follows.
 * Failures are logged, never thrown: presence is best-effort and converges by staleness.
 */
export class PresenceReporter {
  private readonly conns = new Map<string, Conn>();
  private nextSlot = 0;
  private tick = 0;
  private lastWarnAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: PresenceStore,
    private readonly nodeId: string,
    private readonly heartbeatMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => this.heartbeat(), heartbeatMs / HEARTBEAT_SLOTS);
    this.timer.unref();
  }

  connected(s: PresenceSession): void {
    const now = Date.now();
    const key = presenceKey(s.userId, s.connId);
    // Dealt round-robin: the slots stay even as connections come and go.
    const c: Conn = { userId: s.userId, connectedAt: now, slot: this.nextSlot++ % HEARTBEAT_SLOTS, chain: null, busy: 0 };
    this.conns.set(key, c);
    const value = this.entryJson(c, new Date(now).toISOString());
    this.enqueue(key, c, () => this.store.put(key, value));
  }

  disconnected(s: PresenceSession): void {
    const key = presenceKey(s.userId, s.connId);
    const c = this.conns.get(key);
    if (!c) return;
    this.conns.delete(key);
    const at = new Date().toISOString();
    this.enqueue(key, c, async () => {
      await this.store.delete(key);
      await this.store.seen(s.userId, at);
    });
  }

  /** Stop heartbeating; resolves once every pending put/delete has been answered (call after closing sockets). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pending]);
  }

  private readonly pending = new Set<Promise<void>>();

  private heartbeat(): void {
    const slot = this.tick++ % HEARTBEAT_SLOTS;
    const now = new Date().toISOString();
    for (const [key, c] of this.conns) {
      if (c.slot !== slot) continue;
      // A write still pending (NATS slow or away): skip this beat rather than queue behind it.
      if (c.busy > 0) continue;
      const value = this.entryJson(c, now);
      this.enqueue(key, c, () => (this.conns.get(key) === c ? this.store.put(key, value) : Promise.resolve()));
    }
  }

  private entryJson(c: Conn, heartbeatAt: string): string {
    const entry: PresenceEntry = { userId: c.userId, node: this.nodeId, connectedAt: new Date(c.connectedAt).toISOString(), heartbeatAt, staleAfterMs: this.heartbeatMs * PresenceStaleHeartbeats };
    return JSON.stringify(entry);
  }

  private enqueue(key: string, c: Conn, op: () => Promise<void>): void {
    c.busy++;
    const p = (c.chain ?? Promise.resolve()).then(op).catch((err) => {
      // One line per heartbeat at most: with NATS away every connection's write fails at once.
      const now = Date.now();
      if (now - this.lastWarnAt >= this.heartbeatMs) {
        this.lastWarnAt = now;
        this.log.warn({ err, key }, 'presence write failed');
      }
    });
    c.chain = p;
    this.pending.add(p);
    void p.finally(() => {
      if (--c.busy === 0) c.chain = null;
      this.pending.delete(p);
    });
  }
}

/**
 * Presence to clients: each socket follows at most Limits.presenceSubscribeMax users (`presence_subscribe`
 * replaces its list) and gets a `presence` frame whenever one of them goes online or offline in the node's
 * PresenceDirectory (a watch of the whole bucket). Following someone needs a shared room, checked by query-api
 * (`natter.query.shares-room`) when the list is set; a later leave does not end it (the client's next
 * `presence_subscribe` does).
 */
export class PresenceHub {
  private readonly bySession = new Map<PresenceSession, { users: Set<string>; generation: number }>();
  private readonly byUser = new Map<string, Set<PresenceSession>>();
  private readonly unlisten: () => void;

  constructor(
    private readonly directory: PresenceDirectory,
    private readonly authorizer: PresenceAuthorizer,
    private readonly metrics: EdgeMetrics,
    private readonly log: Logger,
  ) {
    this.unlisten = directory.onChange((userId, online) => this.changed(userId, online));
  }

  /** Handle `presence_subscribe`: answers the ack (current state) or an error frame. */
  async subscribe(s: PresenceSession, id: string, userIds: string[]): Promise<void> {
    const wanted = [...new Set(userIds)];
    const slot = this.bySession.get(s) ?? { users: new Set<string>(), generation: 0 };
    this.bySession.set(s, slot);
    const generation = ++slot.generation;
    const others = wanted.filter((u) => u !== s.userId);
    let shared: Set<string>;
    try {
      shared = others.length === 0 ? new Set() : new Set(await this.authorizer.sharesRoom(s.userId, others));
    } catch (err) {
      const e = err instanceof NatterError ? err : new NatterError('unavailable', 'could not check shared rooms; retry');
      if (!(err instanceof NatterError)) this.log.warn({ err }, 'shares-room request failed');
      return s.send({ type: 'error', id, code: e.code, message: e.message });
    }
    if (this.bySession.get(s) !== slot || slot.generation !== generation) return; // closed, or a newer list won
    const refused = others.filter((u) => !shared.has(u));
    if (refused.length > 0) {
      return s.send({ type: 'error', id, code: 'forbidden', message: `you share no room with: ${refused.slice(0, 10).join(', ')}` });
    }
    this.detachUsers(s, slot.users);
    this.metrics.presenceFollows += wanted.length - slot.users.size;
    slot.users = new Set(wanted);
    for (const u of wanted) {
      let set = this.byUser.get(u);
      if (!set) this.byUser.set(u, (set = new Set()));
      set.add(s);
    }
    const online: Record<string, boolean> = {};
    for (const u of wanted) online[u] = this.directory.isOnline(u);
    s.send({ type: 'ack', id, result: { online } });
  }

  /** The socket closed. */
  remove(s: PresenceSession): void {
    const slot = this.bySession.get(s);
    if (!slot) return;
    this.bySession.delete(s);
    this.detachUsers(s, slot.users);
    this.metrics.presenceFollows -= slot.users.size;
  }

  stop(): void {
    this.unlisten();
  }

  private changed(userId: string, online: boolean): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    const text = JSON.stringify({ type: 'presence', userId, online } satisfies ServerFrame);
    for (const s of set) s.sendText(text);
    this.metrics.presenceFrames += set.size;
  }

  private detachUsers(s: PresenceSession, users: Set<string>): void {
    for (const u of users) {
      const set = this.byUser.get(u);
      set?.delete(s);
      if (set?.size === 0) this.byUser.delete(u);
    }
  }
}

