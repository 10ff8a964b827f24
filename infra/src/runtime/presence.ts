import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, PresenceEntry, presenceExpiresAt, presenceKeyUser } from '@natter/contracts';
import type { Logger } from 'pino';
import { own } from './strings';

/**
 * Readers of KV `natter_presence` (contracts/src/presence.ts has the key and value format and the staleness
 * rule). `PresenceDirectory` is the pure in-memory view: userId -> key -> expiresAt, with online/offline
 * transitions; `watchPresence` feeds it from a KV watch and prunes stale entries on a timer, because on
 * nats-server 2.9 an expiry emits no watch event.
 */
export function openPresence(nc: NatsConnection): Promise<KV> {
  return new Kvm(nc).open(Buckets.presence);
}

export type PresenceListener = (userId: string, online: boolean) => void;

export class PresenceDirectory {
  private readonly users = new Map<string, Map<string, number>>();
  /** Users whose last reported state was online (transitions are computed against it). */
  private readonly reported = new Set<string>();
  private readonly listeners = new Set<PresenceListener>();

  onChange(fn: PresenceListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Apply one bucket entry. An unreadable value counts as a deletion. */
  apply(key: string, operation: 'PUT' | 'DEL' | 'PURGE', value: string, now = Date.now()): void {
    const userId = presenceKeyUser(key);
    if (!userId) return;
    let expiresAt = 0;
    if (operation === 'PUT') {
      try {
        const parsed = PresenceEntry.safeParse(JSON.parse(value));
        if (parsed.success) expiresAt = presenceExpiresAt(parsed.data);
      } catch {
        expiresAt = 0;
      }
    }
    let conns = this.users.get(userId);
    if (expiresAt > now) {
      // Keys are cut from the watch message's subject: stored as copies of their own (strings.ts), once.
      if (!conns) this.users.set(own(userId), (conns = new Map()));
      conns.set(conns.has(key) ? key : own(key), expiresAt);
    } else if (conns) {
      conns.delete(key);
      if (conns.size === 0) this.users.delete(userId);
    }
    this.report(userId, now);
  }

  isOnline(userId: string, now = Date.now()): boolean {
    const conns = this.users.get(userId);
    if (!conns) return false;
    for (const exp of conns.values()) if (exp > now) return true;
    return false;
  }

  /** Forget stale entries and report users who went offline by staleness. */
  prune(now = Date.now()): void {
    for (const [userId, conns] of this.users) {
      for (const [key, exp] of conns) if (exp <= now) conns.delete(key);
      if (conns.size === 0) this.users.delete(userId);
    }
    for (const userId of [...this.reported]) this.report(userId, now);
  }

  /** Connections currently held (for metrics). */
  get size(): number {
    let n = 0;
    for (const c of this.users.values()) n += c.size;
    return n;
  }

  private report(userId: string, now: number): void {
    const online = this.isOnline(userId, now);
    if (online === this.reported.has(userId)) return;
    if (online) this.reported.add(userId);
    else this.reported.delete(userId);
    for (const fn of this.listeners) fn(userId, online);
  }
}

export interface PresenceWatch {
  readonly directory: PresenceDirectory;
  /** Resolves once the entries stored when the watch started are loaded (or after a short bound). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

const RETRY_MS = 1_000;
const READY_BOUND_MS = 3_000;

/**
 * Mirror `natter_presence` in a PresenceDirectory: a KV watch of the last value of every key, then updates,
 * restarted if it ends; `pruneEveryMs` (about one heartbeat) bounds how late a dead node's users are reported
 * offline: at most staleAfterMs + pruneEveryMs after their last heartbeat.
 */
export function watchPresence(nc: NatsConnection, log: Logger, opts: { pruneEveryMs: number }): PresenceWatch {
  const directory = new PresenceDirectory();
  let stopped = false;
  let current: { stop(): void } | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const readyBound = setTimeout(() => markReady(), READY_BOUND_MS);
  readyBound.unref();
  const pruner = setInterval(() => directory.prune(), opts.pruneEveryMs);
  pruner.unref();

  const run = async () => {
    while (!stopped) {
      try {
        const kv = await openPresence(nc);
        const jsm = await jetstreamManager(nc);
        const { state } = await jsm.streams.info(`KV_${Buckets.presence}`);
        const iter = await kv.watch();
        current = iter;
        if (state.messages === 0) markReady();
        for await (const e of iter) {
          directory.apply(e.key, e.operation, e.operation === 'PUT' ? e.string() : '');
          if (e.isUpdate || e.delta === 0) markReady();
        }
        if (!stopped) log.warn('presence watch ended; restarting');
      } catch (err) {
        if (!stopped) log.warn({ err }, 'presence watch failed; restarting');
      }
      if (!stopped) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  };
  void run();
  // The bucket is memory storage: a nats-server restart loses it (the launcher provisions it again), and a KV
  // watch does not notice a recreated stream: it stays open and silent. After every reconnect, watch anew
  // (the run loop restarts an ended watch); entries delivered again are applied idempotently.
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) break;
      if (s.type === 'reconnect') current?.stop();
    }
  })().catch(() => {});

  return {
    directory,
    ready,
    async stop() {
      stopped = true;
      clearInterval(pruner);
      clearTimeout(readyBound);
      markReady();
      current?.stop();
    },
  };
}
