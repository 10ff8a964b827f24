import { concerns, type MembershipChange, type StoredEvent } from '@natter/contracts';
import type { EdgeMetrics } from './metrics';
import type { TopicPublisher } from './ports';
import type { TopicMember } from './room-feed';

/**
 * The topic path of one room's feed: sockets that are live, members and keeping up get the room's events from
 * ONE uWS publish per event (uWS's C++ loop writes every subscriber, several frames per syscall under load)
 * instead of one JavaScript send per socket. Everything else (replaying, not a member, slow) stays on the
 * per-socket path of RoomCursor, and a socket moves between the two without a gap or a duplicate:
 *
 * - Position: every member of the topic is at `seq`, the last event of the room the topic delivered (or, while
 *   it had no members, the position of the first one to join). An event is published only if its seq is
 *   greater, so a late repaired event (older than what members hold) is never sent out of order.
 * - Join (RoomCursor, once live and caught up): only at `pos === seq` (any pos when the topic is empty: then
 *   seq becomes pos). Every later event is dispatched after the join, so it reaches the socket exactly once,
 *   through the topic. A cursor ahead of the live feed (its backfill read the stream past what the feed has
 *   dispatched) joins later, when the feed catches up to it.
 * - Leave (membership change naming the member, slow socket, end): the socket unsubscribes and its cursor goes
 *   on per event from `seq`. Frames the topic published before are still queued for the socket and are written
 *   before anything sent to it later (uWS drains a subscriber's queue before each send; the anchor topic of
 *   UwsSocket keeps unsubscribing from a room from dropping that queue), so order holds across the move.
 * - Membership: an event that starts or stops a member's delivery (contracts' `membershipChange`) takes that
 *   member off the topic BEFORE it is published; its cursor then applies the event per socket (delivers a
 *   leave, then nothing more of the room).
 * - Backpressure: uWS drops frames for a socket past `maxBackpressure`, silently. TopicBudget (below) checks the
 *   members' buffers often enough that none gets near it: a slow member leaves the topic, and its cursor's
 *   per-socket path closes it (4001) at EDGE_BACKPRESSURE_BYTES as before.
 */
export class LiveTopic<M extends TopicMember = TopicMember> {
  readonly members = new Set<M>();
  /** Position of every member: the last event of the room delivered through the topic. */
  seq = 0;

  constructor(
    readonly name: string,
    private readonly budget: TopicBudget,
    /** Called once a member has left (and its cursor was told where it is). */
    private readonly onLeft: (m: M) => void = () => {},
  ) {}

  get size(): number {
    return this.members.size;
  }

  has(m: M): boolean {
    return this.members.has(m);
  }

  /** A live member caught up to `pos` asks to be delivered through the topic; returns whether it now is. */
  join(m: M, pos: number): boolean {
    if (this.members.has(m)) return true;
    if (this.members.size > 0 && pos !== this.seq) return false;
    this.seq = pos;
    m.subscribe(this.name);
    this.members.add(m);
    this.budget.joined(this);
    return true;
  }

  /** Off the topic, back to per-event delivery from `seq` (the member's cursor is told). */
  leave(m: M): void {
    if (!this.members.delete(m)) return;
    m.unsubscribe(this.name);
    this.budget.left(this);
    m.leftTopic(this.seq);
    this.onLeft(m);
  }

  /**
   * One event of the room, dispatched in room order. Members it concerns (a membership change) leave first;
   * the others get it from one publish. `text` serializes the frame (only called when someone is subscribed).
   */
  deliver(ev: StoredEvent, change: MembershipChange | null, text: () => string): void {
    if (ev.seq <= this.seq) return;
    if (change && this.members.size > 0) {
      for (const m of [...this.members]) if (concerns(change, m.userId)) this.leave(m);
    }
    const publish = this.members.size > 0;
    // Moved first: a member that leaves during the publish (TopicBudget's check) has this event already.
    this.seq = ev.seq;
    if (publish) this.budget.publish(this, text());
  }

  /** Members whose socket has more than `bytes` waiting leave the topic. */
  shedSlow(bytes: number): void {
    for (const m of [...this.members]) {
      if (m.bufferedAmount() > bytes) {
        this.budget.metrics.topicSlowLeaves++;
        this.leave(m);
      }
    }
  }
}

/** What the budget needs of a topic. */
interface BudgetedTopic {
  readonly name: string;
  readonly size: number;
  shedSlow(bytes: number): void;
}

/**
 * The node's publishes and the guard against uWS's silent drop. A member's buffer grows by at most the bytes the
 * node published since its last check (its rooms' share of them), so checking every member whenever the node
 * has published `checkEveryBytes` bounds any member's buffer by `slowBytes + 2 x checkEveryBytes` plus one frame
 * (the second share: frames published but not yet written by uWS at the check), which the edge keeps below
 * uWS's `maxBackpressure` (app.ts). Members past `slowBytes` leave their topic.
 * Only topics published to since the last check are checked (scanning every member of every topic of the node
 * at each check cost the most on nodes with many quiet rooms). A quiet topic's members may still have filled
 * through their sockets' other rooms, so a topic not checked at the last check is checked at its first publish
 * after it (after the publish: a member that leaves then has the event, LiveTopic.deliver); from there the bound
 * above holds for it. Cost: one getBufferedAmount per member of a published topic per `checkEveryBytes`.
 */
export class TopicBudget {
  /** Topics published to since the last check. */
  private published = new Set<BudgetedTopic>();
  /** Topics the last check looked at (their members are known not slow as of then). */
  private checkedLast = new Set<BudgetedTopic>();
  private bytesSinceCheck = 0;

  constructor(
    private readonly publisher: TopicPublisher,
    readonly metrics: EdgeMetrics,
    readonly slowBytes: number,
    private readonly checkEveryBytes: number,
  ) {}

  joined(_t: BudgetedTopic): void {
    this.metrics.topicSubscriptions++;
    this.metrics.topicJoins++;
  }

  left(t: BudgetedTopic): void {
    // An empty topic has nothing to check: not held until the next check (its feed may be gone).
    if (t.size === 0) {
      this.published.delete(t);
      this.checkedLast.delete(t);
    }
    this.metrics.topicSubscriptions--;
  }

  publish(t: BudgetedTopic, text: string): void {
    this.publisher.publish(t.name, text);
    const n = t.size;
    this.metrics.topicPublishes++;
    this.metrics.eventsDelivered += n;
    this.metrics.framesOut += n;
    this.bytesSinceCheck += Buffer.byteLength(text);
    if (!this.published.has(t)) {
      this.published.add(t);
      if (!this.checkedLast.has(t)) t.shedSlow(this.slowBytes);
    }
    if (this.bytesSinceCheck >= this.checkEveryBytes) this.check();
  }

  /** Every member of every topic published to since the last check: the slow ones leave (see above). */
  check(): void {
    this.bytesSinceCheck = 0;
    const topics = this.published;
    this.published = new Set();
    this.checkedLast = topics;
    for (const t of topics) t.shedSlow(this.slowBytes);
  }
}
