import { CloseCode, concerns, membershipChange, Subjects, type StoredEvent } from '@natter/contracts';
import type { EdgeMetrics } from './metrics';
import type { DeletedMessages } from './ports';
import { redactDeleted } from './redaction';
import type { FeedCursor, RoomFeed } from './room-feed';
import { headOf, roomEventsUpTo, roomHeads, type RoomHeads } from './room-history';

/**
 * Per-socket, per-room recovery. A position is a stream sequence: `pos` = the last seq of this room the socket
 * has been sent; the client is complete up to `pos` (the value `synced` reports and the client resumes with).
 *
 * Algorithm (`start()`):
 *   1. mode = sync. Attach to the room's feed: the node's live subscriptions for the room are registered with
 *      the server before anything below reads history, and from now on every live event of the room is
 *      handed to this cursor, which only buffers it. If pos is at or past what the feed has dispatched
 *      (`dispatchedThrough`: every later event of the room is still to come live), nothing is read: apply the
 *      buffer and go live (a client back after a blip costs no request).
 *   2. One round: empty the buffer, read the room's heads (`last_by_subj` of `ev.room.<id>.meta` and `.msg`),
 *      then read each subject with newer events from pos up to its head, merged by seq (room-history.ts:
 *      direct get `next_by_subj` on the exact subject, an ordered consumer for long reads; never the wildcard
 *      `ev.room.<id>.>`, which nats-server 2.9 answers by scanning the stream). Events are applied as they are
 *      read, at most a chunk of 256 at a time (redaction.ts blanks the text of deleted messages per chunk, so
 *      a resume never replays deleted text): the read is paged by the history reader itself.
 *   3. Sort the buffer by seq and apply it, then mode = live (same tick: nothing slips between).
 *   Every event is committed either before its subject's head answer (so the round reads it) or after the
 *   subscription existed (so it arrives live, or is repaired by the feed's gap repair). `apply` drops every
 *   seq <= pos, so the overlap is delivered once, and per room strictly ascending.
 *
 * Bounds (config: EDGE_RESUME_BUFFER_MAX, EDGE_RESUME_MAX_EVENTS), so a client back after a week in a busy room
 * costs bounded memory and time:
 *   - Buffer: at most `bufferMax` live events are held. One more and the buffer is dropped (history has them
 *     all) and the round is marked overflowed: after it, another round reads from pos to the new heads. At most
 *     MAX_ROUNDS rounds, then the cursor fails (close 4002, the client resumes from what it got).
 *   - Replay: at most `maxEvents` events are sent per start(). Past that the rest of the round is skipped: the
 *     client gets `truncated {after: pos, upto: head}` in band, pos jumps to the head, and delivery continues
 *     with the events after it. The client fetches the messages of the gap over HTTP. Membership still takes
 *     effect inside the skipped range (below).
 *
 * Membership is applied in band, in room order, by the one rule in contracts (`membershipChange`), so a leave
 * takes effect exactly at its event:
 *   - own stop (MemberLeft): delivered, then nothing more of the room (the cursor ends once caught up);
 *   - own start (MemberJoined) while not a member: delivery resumes with that event.
 *   A skipped range is scanned for the owner's own changes on the meta subject after `memberAt` (the seq up to
 *   which the user is known to be a member since the cursor's start: the membership snapshot, or the join
 *   itself), which is a short range: if the last one is a stop, the client gets the gap up to it, the stop
 *   event, and nothing after.
 * Delivery paths: a live member that keeps up moves onto the room's topic (live-topic.ts: one uWS publish per
 * event for every such socket) whenever it holds exactly what the topic has delivered; the feed takes it off
 * again before an event that changes its membership, or when its socket falls behind, and it continues here
 * per event from the topic's position. `pos` is that position while on the topic.
 *
 * Where the first position comes from (resume.ts): a resumed room starts at max(client's seq, joinedSeq - 1),
 * so events from before the current membership are never sent; a room joined live starts at joinSeq - 1, so
 * delivery starts with the MemberJoined itself; a room the client did not list starts at the snapshot's
 * `lastSeq` of the room (live from now).
 */
export interface CursorOwner {
  readonly userId: string;
  isOpen(): boolean;
  sendEvent(roomId: string, ev: StoredEvent): void;
  /** The events of the room in (after, upto] are not sent: the client fetches them over HTTP. */
  sendTruncated(roomId: string, after: number, upto: number): void;
  /** An ephemeral frame (typing) of this room, already serialized. */
  sendSignal(text: string): void;
  /** The socket's uWS topics (live-topic.ts). */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  bufferedAmount(): number;
  closeWith(code: number, reason: string): void;
  /** The cursor ended (left the room, or the socket closed). */
  cursorEnded(cursor: RoomCursor): void;
}

/** What every cursor of the node shares: the feed, the bounds, the counters. */
export interface CursorContext {
  feed: RoomFeed;
  /** Which messages are deleted, so a backfill never replays their text (redaction.ts). */
  deleted: DeletedMessages;
  metrics: EdgeMetrics;
  maxEvents: number;
  bufferMax: number;
  /** A socket with more than this buffered stays on the per-socket path (it left the topic being slow). */
  topicRejoinBytes: number;
}

/** Rounds of one start() before giving up (each round after the first means the buffer overflowed). */
const MAX_ROUNDS = 10;

export class RoomCursor implements FeedCursor {
  /** sync: backfilling; live: per event (onEvent); topic: through the room's topic; ended. */
  private mode: 'sync' | 'live' | 'topic' | 'ended' = 'sync';
  private member = true;
  private buffer: StoredEvent[] = [];
  private overflowed = false;
  /** Last seq of this room sent to the socket (while not on the topic). */
  private at: number;

  constructor(
    readonly roomId: string,
    pos: number,
    /** The owner is a member of the room at every seq in (pos, memberAt] (see above). */
    private readonly memberAt: number,
    private readonly owner: CursorOwner,
    private readonly ctx: CursorContext,
  ) {
    this.at = pos;
  }

  /** Last seq of this room sent to the socket: the client holds everything up to it. */
  get pos(): number {
    return this.mode === 'topic' ? this.ctx.feed.topicSeq(this.roomId) : this.at;
  }

  private set pos(seq: number) {
    this.at = seq;
  }

  get userId(): string {
    return this.owner.userId;
  }

  get ended(): boolean {
    return this.mode === 'ended';
  }

  get isMember(): boolean {
    return this.member;
  }

  /** Attach and catch up; resolves when live (or ended). Failures close the socket so the client resumes. */
  async start(): Promise<void> {
    try {
      await this.ctx.feed.attach(this);
    } catch {
      this.fail();
      return;
    }
    if (this.at >= this.ctx.feed.dispatchedThrough(this.roomId)) return this.goLive();
    await this.catchUp();
  }

  /**
   * Nothing to read: the client already holds everything the feed dispatched before we attached (and what it
   * dispatched since is buffered and at or below `at`), and every later event comes live. The common resume of
   * a client back after a blip, and the reconnect storm: no history request at all.
   */
  private goLive(): void {
    if (this.mode === 'ended') return;
    this.ctx.metrics.backfillsSkipped++;
    const buffered = this.buffer;
    this.buffer = [];
    for (const ev of buffered) this.apply(ev);
    this.mode = 'live';
    this.offerTopic();
  }

  private async catchUp(): Promise<void> {
    if (this.mode === 'ended') return;
    this.mode = 'sync';
    const { feed, metrics, maxEvents } = this.ctx;
    metrics.backfills++;
    let sent = 0;
    for (let round = 0; ; round++) {
      if (round === MAX_ROUNDS) return this.fail();
      if (round > 0) metrics.backfillRounds++;
      this.buffer = [];
      this.overflowed = false;
      try {
        const heads = await roomHeads(feed.history, this.roomId);
        let skip = false;
        const read = roomEventsUpTo(feed.history, this.roomId, this.pos, heads);
        const redacted = redactDeleted(read, (raw) => feed.decode(raw), this.roomId, headOf(heads), this.ctx.deleted, () => metrics.backfillRedactions++);
        for await (const ev of redacted) {
          if (this.ended || !this.owner.isOpen()) return;
          if (sent >= maxEvents) {
            skip = true;
            break; // releases the reads
          }
          metrics.backfillEvents++;
          if (ev && this.apply(ev)) sent++;
        }
        if (skip) await this.skipTo(heads);
      } catch {
        this.fail();
        return;
      }
      if (this.ended || !this.owner.isOpen()) return;
      if (!this.overflowed) break;
      metrics.resumeBufferOverflows++;
    }
    const buffered = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const ev of buffered) this.apply(ev);
    this.mode = 'live';
    if (!this.member) this.end();
    else this.offerTopic();
  }

  /**
   * Skip the rest of the room up to `heads` (the replay cap was reached): the client is told to fetch it over
   * HTTP. The owner's own membership changes in the skipped range still apply: the last one decides whether
   * the owner is a member at the end of the gap (only meta events after memberAt can hold one).
   */
  private async skipTo(heads: RoomHeads): Promise<void> {
    const upto = headOf(heads);
    if (upto <= this.pos) return;
    const { feed, metrics } = this.ctx;
    let lastOwn: { ev: StoredEvent; starts: boolean } | null = null;
    const from = Math.max(this.pos, this.memberAt);
    if (heads.meta > from) {
      for await (const raw of feed.history.eventsAfter(Subjects.roomMeta(this.roomId), from, heads.meta)) {
        const ev = feed.decode(raw);
        const mc = ev && membershipChange(ev);
        if (ev && mc && mc.roomId === this.roomId && concerns(mc, this.owner.userId)) lastOwn = { ev, starts: mc.change === 'start' };
      }
    }
    metrics.truncations++;
    const memberAtEnd = lastOwn ? lastOwn.starts : this.member;
    if (lastOwn && lastOwn.starts !== this.member) {
      // The change that decides: a stop is the gap up to it then the stop; a start (back after a leave the
      // client saw) is the start then the gap after it.
      if (!lastOwn.starts && lastOwn.ev.seq - 1 > this.pos) this.owner.sendTruncated(this.roomId, this.pos, lastOwn.ev.seq - 1);
      this.pos = Math.max(this.pos, lastOwn.ev.seq - 1);
      this.apply(lastOwn.ev);
    }
    if (memberAtEnd && upto > this.pos) this.owner.sendTruncated(this.roomId, this.pos, upto);
    this.pos = Math.max(this.pos, upto);
  }

  /** A live (or repaired) event of this room from the feed, in room order. */
  onEvent(ev: StoredEvent): void {
    if (this.mode === 'sync') {
      if (this.overflowed) return;
      if (this.buffer.length >= this.ctx.bufferMax) {
        // Bounded: drop what is held (the stream has it) and read it again in the next round.
        this.overflowed = true;
        this.buffer = [];
        return;
      }
      this.buffer.push(ev);
      if (this.buffer.length > this.ctx.metrics.resumeBufferPeak) this.ctx.metrics.resumeBufferPeak = this.buffer.length;
    } else if (this.mode === 'live') {
      this.apply(ev);
      if (!this.member) this.end();
      else this.offerTopic();
    }
  }

  /** Caught up and keeping up: move onto the room's topic if the feed takes us at this position. */
  private offerTopic(): void {
    if (this.owner.bufferedAmount() > this.ctx.topicRejoinBytes) return;
    if (this.ctx.feed.joinTopic(this, this.at)) this.mode = 'topic';
  }

  // ---- TopicMember (the feed moves us on and off the room's topic) -----------------------------------------

  subscribe(topic: string): void {
    this.owner.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    this.owner.unsubscribe(topic);
  }

  bufferedAmount(): number {
    return this.owner.bufferedAmount();
  }

  leftTopic(pos: number): void {
    if (this.mode !== 'topic') return;
    this.at = pos;
    this.mode = 'live';
  }

  /** Someone is typing in this room: shown to live members only, never to the typer's own sockets. */
  onTyping(userId: string, text: string): void {
    if (this.isLiveMember && userId !== this.owner.userId) this.owner.sendSignal(text);
  }

  /** Whether this socket is, right now, a live member of the room (may send typing). */
  get isLiveMember(): boolean {
    return (this.mode === 'live' || this.mode === 'topic') && this.member;
  }

  /** Deliver `ev` if it is new and the owner may see it; returns whether it was sent. */
  private apply(ev: StoredEvent): boolean {
    if (ev.seq <= this.pos) return false;
    const mc = membershipChange(ev);
    const own = mc !== null && mc.roomId === this.roomId && concerns(mc, this.owner.userId);
    if (!this.member) {
      if (!(own && mc.change === 'start')) return false;
      this.member = true;
    }
    this.owner.sendEvent(this.roomId, ev);
    this.pos = ev.seq;
    if (own && mc.change === 'stop') this.member = false;
    return true;
  }

  /** Stop delivering and release the feed (and the topic). */
  end(): void {
    if (this.mode === 'ended') return;
    if (this.mode === 'topic') this.at = this.pos;
    this.mode = 'ended';
    this.buffer = [];
    this.ctx.feed.detach(this);
    this.owner.cursorEnded(this);
  }

  /** History or NATS failed under this cursor: the socket is closed with a resume code. */
  fail(): void {
    this.end();
    this.owner.closeWith(CloseCode.ServerError, 'edge could not read the stream; resume');
  }
}
