import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, Limits, NatterError } from '@natter/contracts';
import type { Logger } from 'pino';

/**
 * Revocations: how "log out" and "deactivate" reach every service that accepts access tokens within
 * milliseconds instead of when the 15-minute token expires.
 *
 * command-api `put`s `sid.<sessionId>` (or `user.<userId>`) into KV `natter_revoked` BEFORE it answers the
 * logout (or the refresh that detected reuse). Every query-api, edge and command-api instance runs one
 * `watchRevocations` that mirrors the bucket in memory, so the check on each request is a Map lookup.
 *
 * An entry matters only while an access token it concerns can still be valid: `expiresAt` = revokedAt + the
 * access-token lifetime + a minute of clock skew. Watchers forget entries past it; the bucket's TTL (a few
 * minutes longer) removes them from the server. On nats-server 2.9 a TTL expiry emits no watch event, which
 * is why the watcher prunes by `expiresAt` itself.
 */
export const RevocationKeys = Object.freeze({
  session: (sessionId: string) => `sid.${sessionId}`,
  user: (userId: string) => `user.${userId}`,
});

export interface RevocationRecord {
  revokedAt: string;
  expiresAt: string;
}

const CLOCK_SKEW_MS = 60_000;
const PRUNE_EVERY_MS = 60_000;
const RETRY_MS = 1_000;

export type RevocationTarget = { sessionId: string } | { userId: string };

/** Record a revocation (idempotent: a second `put` of the same key only moves its expiry later). */
export async function recordRevocation(kv: KV, target: RevocationTarget, now = Date.now()): Promise<void> {
  const key = 'sessionId' in target ? RevocationKeys.session(target.sessionId) : RevocationKeys.user(target.userId);
  const record: RevocationRecord = {
    revokedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + Limits.accessTokenSeconds * 1000 + CLOCK_SKEW_MS).toISOString(),
  };
  await kv.put(key, JSON.stringify(record));
}

/** Open the bucket for recordRevocation (provisionAll creates it). */
export function openRevocations(nc: NatsConnection): Promise<KV> {
  return new Kvm(nc).open(Buckets.revoked);
}

/** The in-memory mirror: key kind -> id -> expiresAt (ms). Pure, so it is unit-tested without NATS. */
export class RevocationSet {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, number>();

  /**
   * Apply one bucket entry; returns whom it revokes when it is a revocation in force. Unreadable values fail
   * closed: revoked for a full token lifetime.
   */
  apply(key: string, operation: 'PUT' | 'DEL' | 'PURGE', value: string, now = Date.now()): RevocationTarget | undefined {
    const dot = key.indexOf('.');
    const kind = key.slice(0, dot);
    const map = kind === 'sid' ? this.sessions : kind === 'user' ? this.users : undefined;
    if (!map || dot < 0) return undefined;
    const id = key.slice(dot + 1);
    if (operation !== 'PUT') {
      map.delete(id);
      return undefined;
    }
    let expiresAt = NaN;
    try {
      expiresAt = Date.parse((JSON.parse(value) as RevocationRecord).expiresAt);
    } catch {
      /* below */
    }
    if (!Number.isFinite(expiresAt)) expiresAt = now + Limits.accessTokenSeconds * 1000 + CLOCK_SKEW_MS;
    if (expiresAt <= now) {
      map.delete(id);
      return undefined;
    }
    map.set(id, expiresAt);
    return kind === 'sid' ? { sessionId: id } : { userId: id };
  }

  isRevoked(sessionId: string, now = Date.now()): boolean {
    return live(this.sessions, sessionId, now);
  }

  isUserRevoked(userId: string, now = Date.now()): boolean {
    return live(this.users, userId, now);
  }

  prune(now = Date.now()): void {
    for (const map of [this.sessions, this.users]) for (const [id, exp] of map) if (exp <= now) map.delete(id);
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }
}

function live(map: Map<string, number>, id: string, now: number): boolean {
  const exp = map.get(id);
  if (exp === undefined) return false;
  if (exp > now) return true;
  map.delete(id);
  return false;
}

export interface RevocationWatch {
  /** Resolves once every revocation stored when the watch started is known; rejects if the bucket is missing. */
  readonly ready: Promise<void>;
  isRevoked(sessionId: string): boolean;
  isUserRevoked(userId: string): boolean;
  /**
   * Throws for a token of a revoked session (401 `unauthenticated`) or a deactivated user (403
   * `user_deactivated`). Cheap: call it on every request, never cache its answer.
   */
  assertActive(claims: { sub: string; sid: string }): void;
  /** Entries currently held (for metrics). */
  readonly size: number;
  stop(): Promise<void>;
}

/**
 * Mirror `natter_revoked` in memory: an ordered-consumer watch over the whole bucket, history included, that
 * survives reconnects (the consumer is recreated from where it was) and is restarted if it ever ends.
 * `onRevoked` hears every entry that is a revocation in force when it arrives (those already stored first).
 */
export function watchRevocations(nc: NatsConnection, log: Logger, onRevoked?: (target: RevocationTarget) => void): RevocationWatch {
  const set = new RevocationSet();
  let stopped = false;
  let lastRevision = 0;
  let current: { stop(): void } | undefined;
  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  let isReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = () => {
      if (!isReady) log.info({ entries: set.size }, 'revocations loaded');
      isReady = true;
      resolve();
    };
    failReady = reject;
  });
  ready.catch(() => {});
  const pruner = setInterval(() => set.prune(), PRUNE_EVERY_MS);
  pruner.unref();

  const run = async () => {
    let kv: KV;
    let jsm: Awaited<ReturnType<typeof jetstreamManager>>;
    try {
      kv = await openRevocations(nc);
      jsm = await jetstreamManager(nc);
      await jsm.streams.info(`KV_${Buckets.revoked}`);
    } catch (err) {
      failReady(new Error(`KV bucket ${Buckets.revoked} is not available (run provisionAll)`, { cause: err }));
      return;
    }
    while (!stopped) {
      try {
        // The newest stored revision before the watch starts: everything up to it is delivered first.
        const { state } = await jsm.streams.info(`KV_${Buckets.revoked}`);
        const initialUpTo = state.messages === 0 ? 0 : state.last_seq;
        if (initialUpTo <= lastRevision) markReady();
        const iter = await kv.watch({ include: KvWatchInclude.AllHistory, ...(lastRevision > 0 ? { resumeFromRevision: lastRevision + 1 } : {}) });
        current = iter;
        // That last entry may expire (TTL) before it is delivered; then there is nothing left to wait for.
        const fallback = isReady ? undefined : setInterval(() => {
          jsm.streams.info(`KV_${Buckets.revoked}`).then(({ state: s }) => {
            if (s.messages === 0 || s.first_seq > initialUpTo) markReady();
          }, () => {});
        }, RETRY_MS);
        try {
          for await (const e of iter) {
            const revoked = set.apply(e.key, e.operation, e.operation === 'PUT' ? e.string() : '');
            if (revoked && onRevoked) onRevoked(revoked);
            lastRevision = Math.max(lastRevision, e.revision);
            if (!isReady && (e.revision >= initialUpTo || e.isUpdate)) markReady();
          }
        } finally {
          if (fallback) clearInterval(fallback);
        }
        if (!stopped) log.warn({ lastRevision }, 'revocation watch ended; restarting');
      } catch (err) {
        // Before the first load, fail start-up instead of serving without revocations.
        if (!isReady) return failReady(err);
        if (!stopped) log.warn({ err, lastRevision }, 'revocation watch failed; restarting');
      }
      if (!stopped) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  };
  void run();

  return {
    ready,
    isRevoked: (sid) => set.isRevoked(sid),
    isUserRevoked: (userId) => set.isUserRevoked(userId),
    assertActive(claims) {
      // The account first: a deactivation also revokes its sessions, and "deactivated" is what to tell.
      if (set.isUserRevoked(claims.sub)) throw new NatterError('user_deactivated');
      if (set.isRevoked(claims.sid)) throw new NatterError('unauthenticated', 'This session was revoked (logged out); sign in again.');
    },
    get size() {
      return set.size;
    },
    async stop() {
      stopped = true;
      clearInterval(pruner);
      current?.stop();
    },
  };
}
