import {
  CloseCode,
  decodeEvent,
  membershipChange,
  parseEventSubject,
  Subjects,
  type ResetReason,
  type ServerFrame,
  type StoredEvent,
  type TypingSignal,
} from '@natter/contracts';
import { own, type RevocationTarget } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import { eventFrameText } from './event-frame';
import { LiveTopic, TopicBudget } from './live-topic';
import type { MembershipCache } from './membership-cache';
import type { EdgeMetrics } from './metrics';
import type { DeletedMessages, LiveEvents, History, LiveMessage, LiveSubscription, RawEvent, Signals, StreamState, TopicPublisher } from './ports';
import { redactDeleted } from './redaction';
import type { FeedCursor, RoomFeed } from './room-feed';
import { roomEventsAfter, roomHeads } from './room-history';
import { SerialQueues } from './serial-queues';
import type { UserFeed, UserFeedCursor } from './user-cursor';
import { StreamEpoch } from './stream-epoch';

/**
 * Node-level fan-out: one ordered, gap-free feed of events per room, shared by every local socket.
 *
 * Subscriptions (core NATS, on the stream's republish):
 * - `live.room.*.meta` and `live.user.*` always (membership changes, session revocation, deactivation);
 *   which room events start or stop a user's delivery is asked of contracts' `membershipChange`, and every
 *   room event, whatever its type, is handed to the room's cursors: a new event type needs no change here;
 * - `live.room.<id>.msg` once per room that some local cursor needs, dropped when the last one detaches.
 *
 * Gap repair, per exact `ev.*` subject. `lastSeen[subject]` is the last seq of that subject this node has
 * dispatched. Baselines: the stream's last seq at start-up for meta/user subjects; for a room's msg subject,
 * `last_by_subj` read right after subscribing (so anything later arrives live or is repaired). A live message
 * with seq S and `Nats-Last-Sequence` L:
 *   S <= lastSeen            -> already dispatched (a repair fetched it first): dropped;
 *   L >  lastSeen            -> the events in (lastSeen, S) on that subject were lost: fetched with direct get
 *                               `next_by_subj` and dispatched first, in order;
 *   then S is dispatched and becomes lastSeen.
 * All work for one room (its meta and msg subjects, feed set-up and tear-down) runs through one serial queue,
 * so a room's events are dispatched in seq order even while a repair is in flight.
 *
 * After a NATS reconnect everything published while disconnected may be lost: every active room is re-read
 * from the last seq it dispatched (its two exact subjects, merged: room-history.ts; messages deleted by the
 * stream's head then go without their text, as in a backfill: redaction.ts), every local user's subject from
 * its lastSeen, and sessions refresh their membership (see session.ts). Cursors drop what they already delivered.
 *
 * A read that fails (a gap repair, a resync) fails the cursors of what it was for, the room's or the user's:
 * their sockets close with 4002 and the clients resume from what they hold, so nothing is skipped silently.
 *
 * Epoch (stream-epoch.ts): positions belong to one incarnation of the stream. When the node notices the stream
 * was recreated (periodic check, reconnect, or a live seq at or below what a subject already had), every
 * local socket gets `reset` + close 4003 and the node starts over from the new stream's end.
 *
 * Delivery to sockets: each event is published once to the room's uWS topic (live-topic.ts) for the cursors on
 * it (live, members, keeping up), then handed to the other cursors one by one (replaying, slow, or waiting to
 * join the topic at the right position).
 *
 * Typing (`sig.typing.<id>`, core NATS, never stored) is subscribed alongside a room's msg subject, for as long
 * as the room has a feed, and handed to the room's live cursors (not the sender's own sockets).
 *
 * Known limit: loss is detected per subject, so an event lost on a room's meta subject is only noticed when
 * the next meta event (or a reconnect) arrives; if a later msg event of that room was already delivered, the
 * repaired event is older than the cursor's position and is skipped (logged), not delivered out of order.
 * Core NATS only loses messages on a disconnect (resynced) or a slow-consumer cut (also a disconnect), so in
 * practice this needs a republish loss inside the server.
 */
export interface SessionLike {
  readonly userId: string;
  readonly sessionId: string;
  /** An event that starts this session's user's delivery of a room (`membershipChange`), in room order. */
  onMembership(ev: StoredEvent): void;
  closeWith(code: number, reason: string): void;
  /** After a NATS reconnect: fetch the membership again and start rooms joined meanwhile. */
  resyncMembership(): void;
  /** The positions of this socket are void (the stream was recreated): `reset` frame, close 4003. */
  reset(reason: ResetReason, epoch: string): void;
}

interface Feed {
  roomId: string;
  /** Every cursor of the room on this node. */
  cursors: Set<FeedCursor>;
  /** The cursors not on the topic: they get each event through onEvent. */
  perEvent: Set<FeedCursor>;
  topic: LiveTopic<FeedCursor>;
  ready: Promise<void>;
  sub?: LiveSubscription;
  typingSub?: LiveSubscription;
  /**
   * Every event of the room up to here was committed before the feed's subscription existed (then a client at
   * or past it has them all) or was dispatched: the room's heads when the feed was created (the node's high
   * water until they are read).
   */
  floor: number;
  /** The highest seq dispatched to the feed. */
  maxDispatched: number;
}

/** Everything of the room up to this seq has been dispatched or came before the feed: later events all come live. */
const dispatchedThrough = (f: Feed): number => Math.max(f.floor, f.maxDispatched);

export interface FanoutDeps {
  source: LiveEvents;
  history: History;
  metrics: EdgeMetrics;
  log: Logger;
  signals?: Signals;
  /** EDGE_EPOCH_CHECK_MS. */
  epochCheckMs: number;
  /** uWS pub/sub of the node's sockets (app.ts). */
  topics: TopicPublisher;
  /** A socket on a topic with more than this buffered leaves it (live-topic.ts). */
  topicSlowBytes: number;
  /** Topic members' buffers are checked whenever the node has published this many bytes. */
  topicCheckBytes: number;
  /** Which messages are deleted: a gap repair and the re-read after a reconnect send them without their text (redaction.ts). */
  deleted?: DeletedMessages;
  /** Users' rooms kept current from the membership events dispatched here (membership-cache.ts). */
  membership?: MembershipCache;
}

export class Fanout implements RoomFeed, UserFeed {
  /** Highest stream seq seen live (or the stream's last seq at start / reconnect). */
  highWater = 0;
  /** Highest seq of a room meta event seen: the `minSeq` for membership snapshots. */
  metaHighWater = 0;
  private baseSeq = 0;
  private readonly lastSeen = new Map<string, number>();
  private readonly feeds = new Map<string, Feed>();
  private readonly sessionsByUser = new Map<string, Set<SessionLike>>();
  /** userId -> the local sockets that opted in to the user's own events (user-cursor.ts). */
  private readonly userCursors = new Map<string, Set<UserFeedCursor>>();
  /**
   * User subjects whose resync after a reconnect failed: events after their lastSeen may be missing here (lost
   * while disconnected, not re-read), so `userDispatchedThrough` does not vouch for them until the next live
   * event of the subject is processed (its Nats-Last-Sequence repairs or closes the gap).
   */
  private readonly userViewLost = new Set<string>();
  private readonly queues: SerialQueues;
  private readonly subs: LiveSubscription[] = [];
  readonly history: History;
  readonly metrics: EdgeMetrics;
  private readonly log: Logger;
  private readonly streamEpoch: StreamEpoch;
  private readonly topicBudget: TopicBudget;

  constructor(private readonly deps: FanoutDeps) {
    this.history = deps.history;
    this.metrics = deps.metrics;
    this.log = deps.log;
    this.queues = new SerialQueues(deps.log);
    this.topicBudget = new TopicBudget(deps.topics, deps.metrics, deps.topicSlowBytes, deps.topicCheckBytes);
    this.streamEpoch = new StreamEpoch(deps.history, deps.epochCheckMs, (next) => this.onNewEpoch(next), deps.log);
  }

  async start(): Promise<void> {
    // Subscribe first, then read the stream's end: whatever is committed later arrives live.
    this.subs.push(await this.deps.source.subscribe(Subjects.liveAllRoomMeta, (m) => this.onLive(m)));
    this.subs.push(await this.deps.source.subscribe(Subjects.liveAllUsers, (m) => this.onLive(m)));
    this.baseSeq = (await this.streamEpoch.start()).lastSeq;
    this.highWater = Math.max(this.highWater, this.baseSeq);
    this.metaHighWater = Math.max(this.metaHighWater, this.baseSeq);
    this.deps.source.onReconnect(() => this.onReconnect());
  }

  stop(): void {
    this.streamEpoch.stop();
    for (const s of this.subs) s.unsubscribe();
    for (const f of this.feeds.values()) {
      f.sub?.unsubscribe();
      f.typingSub?.unsubscribe();
    }
    this.feeds.clear();
  }

  /** The epoch of the stream as this node knows it (sent in `hello` and `synced`). */
  get epoch(): string {
    return this.streamEpoch.epoch;
  }

  /** Ask the stream now (a resume whose epoch or positions do not fit this node's view). */
  async currentStream(): Promise<StreamState> {
    const { state, changed } = await this.streamEpoch.check();
    // The stream's end is a high water too: later resumes up to it need no request.
    if (!changed && state.lastSeq > this.highWater) this.highWater = state.lastSeq;
    return state;
  }

  decode(raw: RawEvent): StoredEvent | null {
    try {
      return decodeEvent(raw.seq, raw.subject, raw.data);
    } catch (err) {
      this.log.warn({ err, seq: raw.seq, subject: raw.subject }, 'undecodable event skipped');
      return null;
    }
  }

  // ---- sessions ---------------------------------------------------------------------------------------------

  registerSession(s: SessionLike): void {
    let set = this.sessionsByUser.get(s.userId);
    if (!set) this.sessionsByUser.set(s.userId, (set = new Set()));
    set.add(s);
  }

  unregisterSession(s: SessionLike): void {
    const set = this.sessionsByUser.get(s.userId);
    set?.delete(s);
    if (set && set.size === 0) this.sessionsByUser.delete(s.userId);
  }

  /**
   * Close the sockets a revocation concerns: the session's (4102), or all of the user's (4103). Called for the
   * KV entry (the edge's revocation watch, which names a session without its user) and again for the
   * SessionRevoked / UserDeactivated event (which names the user: `userId` narrows the search). Idempotent.
   */
  closeRevoked(target: RevocationTarget, userId = 'userId' in target ? target.userId : undefined): void {
    const sets = userId === undefined ? [...this.sessionsByUser.values()] : [this.sessionsByUser.get(userId)];
    for (const set of sets) {
      for (const s of [...(set ?? [])]) {
        if (!('sessionId' in target)) s.closeWith(CloseCode.UserDeactivated, 'user deactivated');
        else if (s.sessionId === target.sessionId) s.closeWith(CloseCode.SessionRevoked, 'session revoked');
      }
    }
  }

  /**
   * A socket's user cursor joins its user's feed: every event of `ev.user.<id>` dispatched from now on is handed
   * to it. The node subscribes to `live.user.*` from start and gap-repairs the subject of every user it holds a
   * socket for (the session registered at open, before any resume), so nothing committed later is missed.
   */
  attachUser(cursor: UserFeedCursor): void {
    let set = this.userCursors.get(cursor.userId);
    if (!set) this.userCursors.set(cursor.userId, (set = new Set()));
    set.add(cursor);
  }

  detachUser(cursor: UserFeedCursor): void {
    const set = this.userCursors.get(cursor.userId);
    set?.delete(cursor);
    if (set && set.size === 0) this.userCursors.delete(cursor.userId);
  }

  /**
   * The user's `dispatchedThrough`: every event of `ev.user.<id>` up to here was dispatched (or came before the
   * node's start), and, the user's session being registered (a socket registers before it resumes), every later
   * one is dispatched live or gap-repaired. A user cursor at or past it reads no history (user-cursor.ts).
   * null: unknown since a failed resync (the cursor reads the stream).
   */
  userDispatchedThrough(userId: string): number | null {
    const subject = Subjects.user(userId);
    if (this.userViewLost.has(subject)) return null;
    return Math.max(this.lastSeen.get(subject) ?? 0, this.baseSeq);
  }

  // ---- feeds ------------------------------------------------------------------------------------------------

  /** Adds the cursor to its room's feed (creating the feed's msg subscription if needed); resolves when live. */
  async attach(cursor: FeedCursor): Promise<void> {
    const roomId = cursor.roomId;
    let feed = this.feeds.get(roomId);
    if (!feed) {
      const perEvent = new Set<FeedCursor>();
      const topic = new LiveTopic<FeedCursor>(`room:${roomId}`, this.topicBudget, (c) => perEvent.add(c));
      const f: Feed = { roomId, cursors: new Set(), perEvent, topic, ready: Promise.resolve(), floor: this.highWater, maxDispatched: 0 };
      f.ready = new Promise<void>((resolve, reject) => {
        void this.queues.run(`r:${roomId}`, async () => {
          try {
            await this.createFeed(f);
            resolve();
          } catch (err) {
            if (this.feeds.get(roomId) === f) this.dropFeed(f);
            reject(err);
          }
        });
      });
      f.typingSub = this.deps.signals?.subscribeTyping(roomId, (sig) => this.onTyping(f, sig));
      this.feeds.set(roomId, f);
      this.metrics.roomFeeds++;
      feed = f;
    }
    feed.cursors.add(cursor);
    feed.perEvent.add(cursor);
    await feed.ready;
  }

  detach(cursor: FeedCursor): void {
    const feed = this.feeds.get(cursor.roomId);
    if (!feed || !feed.cursors.delete(cursor)) return;
    feed.topic.leave(cursor);
    feed.perEvent.delete(cursor);
    if (feed.cursors.size > 0) return;
    void this.queues.run(`r:${feed.roomId}`, () => {
      if (feed.cursors.size === 0 && this.feeds.get(feed.roomId) === feed) this.dropFeed(feed);
    });
  }

  joinTopic(cursor: FeedCursor, pos: number): boolean {
    const feed = this.feeds.get(cursor.roomId);
    if (!feed || !feed.cursors.has(cursor) || !feed.topic.join(cursor, pos)) return false;
    feed.perEvent.delete(cursor);
    return true;
  }

  topicSeq(roomId: string): number {
    return this.feeds.get(roomId)?.topic.seq ?? 0;
  }

  dispatchedThrough(roomId: string): number {
    const f = this.feeds.get(roomId);
    return f ? dispatchedThrough(f) : Number.MAX_SAFE_INTEGER;
  }

  /**
   * The room's msg subject is subscribed (its meta subject is, node-wide, since start), then both heads are read:
   * every event of the room after them arrives live, every one up to them is history. The msg head is also the
   * msg subject's gap-repair baseline.
   */
  private async createFeed(f: Feed): Promise<void> {
    const msgSubject = Subjects.roomMsg(f.roomId);
    f.sub = await this.deps.source.subscribe(Subjects.liveRoomMsg(f.roomId), (m) => this.onLive(m));
    const heads = await roomHeads(this.deps.history, f.roomId);
    this.lastSeen.set(msgSubject, Math.max(heads.msg, this.lastSeen.get(msgSubject) ?? 0));
    f.floor = Math.max(heads.meta, heads.msg);
    this.log.debug({ roomId: f.roomId, heads }, 'room feed live');
  }

  private dropFeed(f: Feed): void {
    f.sub?.unsubscribe();
    f.typingSub?.unsubscribe();
    this.feeds.delete(f.roomId);
    this.lastSeen.delete(Subjects.roomMsg(f.roomId));
    this.metrics.roomFeeds--;
    this.log.debug({ roomId: f.roomId }, 'room feed dropped');
  }

  private onTyping(f: Feed, sig: TypingSignal): void {
    if (this.feeds.get(f.roomId) !== f) return;
    const text = JSON.stringify({ type: 'typing', room: f.roomId, userId: sig.userId } satisfies ServerFrame);
    for (const c of f.cursors) c.onTyping(sig.userId, text);
  }

  // ---- live path --------------------------------------------------------------------------------------------

  private onLive(m: LiveMessage): void {
    const p = parseEventSubject(m.subject);
    if (!p) return;
    // The stream republishes in seq order, so a seq at or below one already seen is either a rare re-delivery
    // or the first sign of a recreated stream (whose sequences start again at 1): worth one stream info.
    if (m.seq > this.highWater) this.highWater = m.seq;
    else this.streamEpoch.suspect();
    if (p.kind === 'room' && p.part === 'meta' && m.seq > this.metaHighWater) this.metaHighWater = m.seq;
    const key = p.kind === 'room' ? `r:${p.roomId}` : `u:${p.userId}`;
    this.queues.post(key, () => this.processLive(m, p));
  }

  private processLive(m: LiveMessage, p: NonNullable<ReturnType<typeof parseEventSubject>>): void | Promise<void> {
    if (p.kind === 'room' && p.part === 'msg' && !this.feeds.has(p.roomId)) return;
    if (p.kind === 'user' && !this.sessionsByUser.has(p.userId)) {
      // Nobody here cares about this user: remember the position only, no repair.
      this.seen(m.subject, m.seq);
      return;
    }
    const last = this.lastSeen.get(m.subject) ?? this.baseSeq;
    if (m.seq <= last) return;
    // Everything of the subject up to m is dispatched below (or repaired; a failed repair fails the cursors and
    // moves lastSeen past the gap, which a later cursor below it reads): the view holds again.
    if (p.kind === 'user') this.userViewLost.delete(m.subject);
    if (m.lastSubjectSeq > last) return this.repairThenDispatch(m, last);
    this.dispatchRaw(m);
  }

  private async repairThenDispatch(m: LiveMessage, last: number): Promise<void> {
    this.metrics.gapsRepaired++;
    this.log.info({ subject: m.subject, lastSeen: last, natsLastSequence: m.lastSubjectSeq, seq: m.seq }, 'gap detected, repairing');
    try {
      // The gap's messages were never delivered here: one deleted since (up to the live event) goes out without
      // its text, as a backfill would send it. A failed lookup fails the cursors like a failed read.
      const p = parseEventSubject(m.subject);
      const roomId = p?.kind === 'room' && p.part === 'msg' ? p.roomId : null;
      await this.dispatchEach(this.deps.history.eventsAfter(m.subject, last, m.seq - 1), roomId, m.seq - 1, () => this.metrics.gapEventsFetched++);
    } catch (err) {
      this.log.error({ err, subject: m.subject }, 'gap repair failed: closing affected sockets so they resume; continuing with the live event');
      // Membership events of the gap may be lost: snapshots from query-api again.
      this.deps.membership?.clear();
      // The live event moves lastSeen past the gap, so the gap is never read again here: the cursors of the
      // subject would silently miss it. They fail instead (close 4002) and their clients resume from what they
      // hold, which reads the gap from history.
      this.failCursorsOf(m.subject);
    }
    this.dispatchRaw(m);
  }

  /** `lastSeen[subject] = max(it, seq)`; a subject new to the map is stored as its own string (it is cut from a header). */
  private seen(subject: string, seq: number): void {
    const last = this.lastSeen.get(subject);
    if (last === undefined) this.lastSeen.set(own(subject), seq);
    else if (seq > last) this.lastSeen.set(subject, seq);
  }

  /**
   * Events read from history (a gap repair, the re-read after a reconnect), each dispatched once. Those of
   * `roomId`, when the node can ask which messages are deleted, go out without the text of messages deleted as
   * of `asOf` (redaction.ts), as a backfill sends them; a failed lookup rejects like a failed read.
   */
  private async dispatchEach(events: AsyncIterable<RawEvent>, roomId: string | null, asOf: number | Promise<number>, onRead?: () => void): Promise<void> {
    if (roomId === null || !this.deps.deleted) {
      for await (const raw of events) {
        onRead?.();
        this.dispatchRaw(raw);
      }
      return;
    }
    for await (const ev of redactDeleted(events, (raw) => this.decode(raw), roomId, await asOf, this.deps.deleted, () => this.metrics.gapRedactions++)) {
      onRead?.();
      if (ev && this.firstTime(ev.subject, ev.seq)) this.dispatch(ev);
    }
  }

  private dispatchRaw(raw: RawEvent): void {
    if (!this.firstTime(raw.subject, raw.seq)) return;
    const ev = this.decode(raw);
    if (ev) this.dispatch(ev);
  }

  /** Whether `seq` is past what was dispatched of `subject` (then it is recorded as dispatched): each event once. */
  private firstTime(subject: string, seq: number): boolean {
    if (seq <= (this.lastSeen.get(subject) ?? 0)) return false;
    this.seen(subject, seq);
    return true;
  }

  private dispatch(ev: StoredEvent): void {
    const p = parseEventSubject(ev.subject);
    if (!p) return;
    if (p.kind === 'user') {
      if (ev.type === 'SessionRevoked') this.closeRevoked({ sessionId: ev.data.sessionId }, p.userId);
      else if (ev.type === 'UserDeactivated') this.closeRevoked({ userId: p.userId });
      // The user's own events for the sockets that opted in (they filter with contracts' deliversToUser).
      for (const c of [...(this.userCursors.get(p.userId) ?? [])]) c.onEvent(ev);
      return;
    }
    // A start opens cursors for the user's sockets; stops are applied in band by the cursors themselves. The
    // membership cache first: a resume that reads it from now on has this event.
    const change = membershipChange(ev);
    if (change) this.deps.membership?.apply(ev, change);
    if (change?.change === 'start' && change.userId !== null) {
      for (const s of [...(this.sessionsByUser.get(change.userId) ?? [])]) s.onMembership(ev);
    }
    const feed = this.feeds.get(p.roomId);
    if (!feed) return;
    if (ev.seq > feed.maxDispatched) feed.maxDispatched = ev.seq;
    // The topic first (members it concerns leave it and join perEvent), then the cursors off the topic.
    feed.topic.deliver(ev, change, () => eventFrameText(p.roomId, ev));
    for (const c of [...feed.perEvent]) c.onEvent(ev);
  }

  // ---- reconnect --------------------------------------------------------------------------------------------

  private onReconnect(): void {
    this.deps.membership?.clear(); // membership events may have been lost while disconnected
    this.log.warn({ rooms: this.feeds.size, users: this.sessionsByUser.size }, 'nats reconnected: resyncing rooms and users');
    // One stream info request: the epoch check, whose head is also what the re-reads ask deletes as of (messages
    // sent and deleted while disconnected go without their text, as a backfill sends them: redaction.ts).
    const checked = this.streamEpoch.check();
    const head = checked.then(({ state }) => state.lastSeq);
    head.catch(() => {}); // each room's re-read fails on it by itself (its sockets close and resume)
    for (const feed of this.feeds.values()) {
      const events = () => roomEventsAfter(this.deps.history, feed.roomId, dispatchedThrough(feed));
      void this.queues.run(`r:${feed.roomId}`, () => this.resync(feed.roomId, () => this.dispatchEach(events(), feed.roomId, head)));
    }
    for (const userId of this.sessionsByUser.keys()) {
      const subject = Subjects.user(userId);
      const events = () => this.deps.history.eventsAfter(subject, this.lastSeen.get(subject) ?? this.baseSeq);
      void this.queues.run(`u:${userId}`, () => this.resync(subject, () => this.dispatchEach(events(), null, 0)));
    }
    void checked.then(
      ({ state, changed }) => {
        if (changed) return; // onNewEpoch reset everything
        this.highWater = Math.max(this.highWater, state.lastSeq);
        this.metaHighWater = Math.max(this.metaHighWater, state.lastSeq);
        for (const set of this.sessionsByUser.values()) for (const s of set) s.resyncMembership();
      },
      (err) => this.log.error({ err }, 'stream info after reconnect failed'),
    );
  }

  /**
   * The stream was recreated: every position this node holds (its own baselines, its sockets') belongs to the
   * old one. Every socket is reset (it reconnects and resumes from nothing) and the node starts over from the
   * new stream's end. Feeds go with their cursors.
   */
  private onNewEpoch(next: StreamState): void {
    this.metrics.epochResets++;
    this.deps.membership?.clear();
    for (const set of [...this.sessionsByUser.values()]) for (const s of [...set]) s.reset('stream_recreated', next.epoch);
    this.lastSeen.clear();
    this.userViewLost.clear();
    // A feed whose drop is still queued may be joined again before it runs: its baseline is the new stream's.
    for (const f of this.feeds.values()) {
      f.floor = next.lastSeq;
      f.maxDispatched = 0;
    }
    this.baseSeq = next.lastSeq;
    this.highWater = next.lastSeq;
    this.metaHighWater = next.lastSeq;
  }

  /** `what`: a room id or a user subject, `read` dispatches its events; if the read fails, its cursors fail. */
  private async resync(what: string, read: () => Promise<void>): Promise<void> {
    const isUser = parseEventSubject(what) !== null;
    try {
      await read();
      if (isUser) this.userViewLost.delete(what);
    } catch (err) {
      this.log.error({ err, what }, 'resync failed: closing affected sockets so they resume');
      if (!isUser) {
        for (const c of [...(this.feeds.get(what)?.cursors ?? [])]) c.fail();
        return;
      }
      // A user subject's cursors too: without this, the user's events lost while disconnected were never sent.
      // And lastSeen is now behind events the node never saw: later cursors read instead of trusting it.
      this.userViewLost.add(what);
      this.failCursorsOf(what);
    }
  }

  /** The cursors an exact `ev.*` subject feeds (the room's, or the user's) fail: their sockets close and resume. */
  private failCursorsOf(subject: string): void {
    const p = parseEventSubject(subject);
    if (!p) return;
    const cursors = p.kind === 'user' ? this.userCursors.get(p.userId) : this.feeds.get(p.roomId)?.cursors;
    for (const c of [...(cursors ?? [])]) c.fail();
  }
}
