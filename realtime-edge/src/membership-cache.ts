import { membershipChange, type MembershipChange, type StoredEvent, type UserRoomsResult } from '@natter/contracts';
import type { EdgeMetrics } from './metrics';
import type { MembershipSource } from './ports';

/** One user's rooms as this node knows them: roomId -> joinedSeq. */
interface Entry {
  rooms: Map<string, number>;
  /** The snapshot's asOfSeq: membership events at or below it are already in `rooms`. */
  asOf: number;
}

/** A snapshot request in flight: membership events for the user that arrive meanwhile are kept for it. */
interface Loading {
  events: StoredEvent[];
  done: Promise<UserRoomsResult>;
}

/**
 * The rooms of the users this node serves, kept current from the membership events the node receives anyway
 * (every edge subscribes to `live.room.*.meta`, gap-repaired by the fan-out), so that a reconnect, or a
 * second device of a user, needs no request to query-api: a reconnect storm does not become a query storm.
 *
 * - Filled by one `natter.query.user-rooms` per user (concurrent resumes of one user share it). Membership
 *   events for the user dispatched while it is in flight are kept and applied on top (those after the
 *   snapshot's asOfSeq), so the entry misses nothing between the read model and the live feed.
 * - Kept current by `apply`, which the fan-out calls for every membership change it dispatches, in room order
 *   (events at or below the entry's asOfSeq are already in it and are ignored).
 * - A hit is answered synchronously, with asOfSeq 0: every membership event is either in the entry or is
 *   dispatched after the answer (where the session opens its room: session-rooms.ts), and each room's
 *   `lastSeq` is the node's high water, the "now" from which an unlisted room is delivered live.
 * - Dropped whole when the node may have missed events: a NATS reconnect, a failed gap repair, a new epoch.
 * - Bounded: at most `maxUsers` entries, least recently used first out (an evicted user costs one query).
 */
export class MembershipCache implements MembershipSource {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Loading>();
  /** Bumped by clear(): a snapshot requested before a clear is not cached. */
  private generation = 0;

  constructor(
    private readonly source: MembershipSource,
    private readonly maxUsers: number,
    private readonly metrics: EdgeMetrics,
    /** The node's high water (Fanout.highWater): the position "now" for rooms the client did not list. */
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  userRooms(userId: string, minSeq: number): Promise<UserRoomsResult> {
    const hit = this.entries.get(userId);
    if (hit) {
      this.entries.delete(userId); // re-inserted: Map order is the LRU order
      this.entries.set(userId, hit);
      this.metrics.membershipCacheHits++;
      const lastSeq = this.now();
      return Promise.resolve({ asOfSeq: 0, rooms: [...hit.rooms].map(([roomId, joinedSeq]) => ({ roomId, joinedSeq, lastSeq })) });
    }
    const inFlight = this.loading.get(userId);
    if (inFlight) return inFlight.done;
    this.metrics.membershipCacheMisses++;
    const generation = this.generation;
    const events: StoredEvent[] = [];
    const done = this.source.userRooms(userId, minSeq).then(
      (snap) => {
        this.loading.delete(userId);
        if (generation === this.generation && this.maxUsers > 0) this.store(userId, snap, events);
        return snap;
      },
      (err: unknown) => {
        this.loading.delete(userId);
        throw err;
      },
    );
    this.loading.set(userId, { events, done });
    return done;
  }

  /** A membership change the fan-out dispatched (in room order). */
  apply(ev: StoredEvent, change: MembershipChange): void {
    if (change.userId === null) {
      // Every member of the room (a room deleted or archived): whoever has it.
      for (const e of this.entries.values()) applyTo(e, ev, change);
      for (const l of this.loading.values()) l.events.push(ev);
      return;
    }
    const e = this.entries.get(change.userId);
    if (e) applyTo(e, ev, change);
    this.loading.get(change.userId)?.events.push(ev);
  }

  /** The node may have missed membership events: forget everything (snapshots in flight are not kept). */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private store(userId: string, snap: UserRoomsResult, pending: StoredEvent[]): void {
    const e: Entry = { asOf: snap.asOfSeq, rooms: new Map(snap.rooms.map((r) => [r.roomId, r.joinedSeq])) };
    for (const ev of pending) {
      const change = membershipChange(ev);
      if (change) applyTo(e, ev, change);
    }
    this.entries.set(userId, e);
    if (this.entries.size > this.maxUsers) this.entries.delete(this.entries.keys().next().value!);
  }
}

function applyTo(e: Entry, ev: StoredEvent, change: MembershipChange): void {
  if (ev.seq <= e.asOf) return;
  if (change.change === 'start') e.rooms.set(change.roomId, ev.seq);
  else e.rooms.delete(change.roomId);
}
