import { CloseCode, deliversToUser, Subjects, type ServerFrame, type StoredEvent } from '@natter/contracts';
import { userEventFrameText } from './event-frame';
import type { EdgeMetrics } from './metrics';
import type { History, RawEvent } from './ports';

/**
 * Per-socket delivery of the user's own subject `ev.user.<userId>` (docs/architecture.md "Per-user delivery"):
 * `user_event` frames in seq order, each once, for the events contracts' `deliversToUser` names. The same
 * algorithm and bounds as a room cursor (room-cursor.ts), on one exact subject:
 *   1. Attach to the node's user feed (Fanout.attachUser): from now on every dispatched event of the subject
 *      (live, gap-repaired, re-read after a NATS reconnect) is handed to this cursor, which buffers it. The
 *      node subscribes to `live.user.*` at start and repairs gaps of the subjects of users it holds sockets for,
 *      so everything committed after this point reaches the feed. If the client already holds everything the
 *      feed has dispatched of the subject (`userDispatchedThrough`; 'now' starts there), nothing is read: apply
 *      the buffer and go live (a reconnect to the same node costs no request, as for a room: room-cursor.ts).
 *   2. One round: empty the buffer, read the subject's head (`last_by_subj`), read the subject from `pos` to
 *      the head (direct get `next_by_subj`), applying as read.
 *   3. Sort the buffer and apply it, then live. `apply` drops every seq <= pos: the overlap is sent once.
 * Bounds: at most `bufferMax` live events held (one more: dropped, another round; at most 10 rounds, then the
 * socket is closed to resume); at most `maxEvents` events read per start, past that `user_truncated
 * {after, upto}` and the position jumps to the head.
 * `pos` advances over events that are not delivered too: it is the last seq of the subject the client is
 * complete to (the value `synced.user` reports and the client resumes with).
 */
export interface UserCursorOwner {
  readonly userId: string;
  isOpen(): boolean;
  sendText(text: string): void;
  send(frame: ServerFrame): void;
  closeWith(code: number, reason: string): void;
}

/** The node's per-user feed, as a cursor sees it (Fanout). */
export interface UserFeed {
  attachUser(cursor: UserFeedCursor): void;
  detachUser(cursor: UserFeedCursor): void;
  /**
   * Every event of the user's subject up to this seq was dispatched (or came before the node): later ones come
   * through the feed. null: the node cannot tell (a read of the subject failed): read the stream.
   */
  userDispatchedThrough(userId: string): number | null;
  decode(raw: RawEvent): StoredEvent | null;
  readonly history: History;
}

export interface UserFeedCursor {
  readonly userId: string;
  /** An event of the user's subject, in seq order, each once per feed (a re-read after reconnect may repeat). */
  onEvent(ev: StoredEvent): void;
  /** The feed could not read the subject (gap repair, resync): events may be missing, the socket must resume. */
  fail(): void;
}

export interface UserCursorContext {
  feed: UserFeed;
  metrics: EdgeMetrics;
  maxEvents: number;
  bufferMax: number;
}

const MAX_ROUNDS = 10;

export class UserCursor implements UserFeedCursor {
  private mode: 'sync' | 'live' | 'ended' = 'sync';
  private buffer: StoredEvent[] = [];
  private overflowed = false;

  /** `from`: the last seq the client holds, or 'now' (start at the subject's head: live from now on). */
  constructor(
    from: number | 'now',
    private readonly owner: UserCursorOwner,
    private readonly ctx: UserCursorContext,
  ) {
    this.fromHead = from === 'now';
    this.pos_ = from === 'now' ? 0 : from;
  }

  private pos_: number;
  private readonly fromHead: boolean;

  get userId(): string {
    return this.owner.userId;
  }

  /** Last seq of the user's subject the client is complete to. */
  get pos(): number {
    return this.pos_;
  }

  get ended(): boolean {
    return this.mode === 'ended';
  }

  /** Attach and catch up; resolves when live. A failure closes the socket (the client resumes). */
  async start(): Promise<void> {
    const { feed, metrics, maxEvents } = this.ctx;
    feed.attachUser(this);
    // Attached first, so whatever the feed dispatches after this read reaches the buffer. 'now' takes the feed's
    // position instead of asking the stream for the subject's head: a request per resume saved, and every event
    // after it still comes through the feed.
    const through = feed.userDispatchedThrough(this.userId);
    if (through !== null) {
      if (this.fromHead) this.pos_ = Math.max(this.pos_, through);
      if (this.pos_ >= through) {
        metrics.userBackfillsSkipped++;
        return this.goLive();
      }
    }
    metrics.userBackfills++;
    const subject = Subjects.user(this.userId);
    let sent = 0;
    for (let round = 0; ; round++) {
      if (round === MAX_ROUNDS) return this.fail();
      this.buffer = [];
      this.overflowed = false;
      try {
        const head = await feed.history.lastSeqOf(subject);
        // 'now' when the node could not tell (above): nothing before the head is the client's business (the
        // buffer's overlap is dropped by apply).
        if (this.fromHead && round === 0) this.pos_ = Math.max(this.pos_, head);
        let skip = false;
        if (head > this.pos_) {
          for await (const raw of feed.history.eventsAfter(subject, this.pos_, head)) {
            if (this.ended || !this.owner.isOpen()) return;
            if (sent >= maxEvents) {
              skip = true;
              break;
            }
            const ev = feed.decode(raw);
            if (ev && this.apply(ev)) sent++;
          }
        }
        if (skip && head > this.pos_) {
          metrics.userTruncations++;
          this.owner.send({ type: 'user_truncated', after: this.pos_, upto: head });
          this.pos_ = head;
        }
      } catch {
        return this.fail();
      }
      if (this.ended || !this.owner.isOpen()) return;
      if (!this.overflowed) break;
      metrics.resumeBufferOverflows++;
    }
    this.goLive();
  }

  /** Caught up (or nothing to read): the buffered events in seq order, then live (same tick: nothing slips between). */
  private goLive(): void {
    if (this.mode === 'ended') return;
    const buffered = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const ev of buffered) this.apply(ev);
    this.mode = 'live';
  }

  onEvent(ev: StoredEvent): void {
    if (this.mode === 'live') {
      this.apply(ev);
      return;
    }
    if (this.mode !== 'sync' || this.overflowed) return;
    if (this.buffer.length >= this.ctx.bufferMax) {
      this.overflowed = true;
      this.buffer = [];
      return;
    }
    this.buffer.push(ev);
  }

  /** Send `ev` if it is new (and for the user's devices); returns whether a frame was sent. */
  private apply(ev: StoredEvent): boolean {
    if (ev.seq <= this.pos_) return false;
    this.pos_ = ev.seq;
    if (!deliversToUser(ev)) return false;
    this.ctx.metrics.userEventsDelivered++;
    // Serialized once per event for all the user's sockets on the node (event-frame.ts), not once per socket.
    this.owner.sendText(userEventFrameText(ev));
    return true;
  }

  end(): void {
    if (this.mode === 'ended') return;
    this.mode = 'ended';
    this.buffer = [];
    this.ctx.feed.detachUser(this);
  }

  fail(): void {
    this.end();
    this.owner.closeWith(CloseCode.ServerError, 'edge could not read your events; resume');
  }
}
