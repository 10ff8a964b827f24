import { CloseCode, type StoredEvent } from '@natter/contracts';
import type { Fanout } from './fanout';
import { roomEventsAfter } from './room-history';

/**
 * Per-socket, per-room recovery. A position is a stream sequence: `pos` = the last seq of this room the socket
 * has been sent; the client is complete up to `pos` (the value `synced` reports and the client resumes with).
 *
 * Algorithm (`start()` / `resync()`):
 *   1. mode = sync. Attach to the room's feed: the node's live subscriptions for the room are registered with
 *      the server before anything below reads history, and from now on every live event of the room is
 *      handed to this cursor, which only buffers it.
 *   2. Backfill (room-history.ts): `last_by_subj` of the room's two exact subjects `ev.room.<id>.meta` and
 *      `ev.room.<id>.msg`; neither above pos -> nothing to read (no `next_by_subj` at all). Otherwise each
 *      subject with newer events is read from pos up to that last seq (exact-subject direct get `next_by_subj`,
 *      an ordered consumer with that one filter for long absences), the two ascending lists are merged by seq,
 *      and each event is applied. Never the wildcard `ev.room.<id>.>`: on nats-server 2.9 a wildcard
 *      `next_by_subj` scans the rest of the stream, so resume cost grew with the stream.
 *   3. Sort the buffer by seq and apply it, then mode = live (same tick: nothing slips between).
 *   Every event is committed either before its subject's `last_by_subj` answer (so the backfill has it) or
 *   after the subscription existed (so it arrives live, or is repaired by the feed's gap repair). `apply` drops every
 *   seq <= pos, so the overlap is delivered once, and per room strictly ascending.
 *
 * Membership is applied in band, in room order, so a leave takes effect exactly at its event:
 *   - own MemberLeft: delivered, then nothing more of the room (the cursor ends once caught up);
 *   - own MemberJoined while not a member: delivery resumes with that event.
 * Where the first position comes from (session.ts): a resumed room starts at max(client's seq, joinedSeq - 1),
 * so events from before the current membership are never sent; a room joined live starts at joinSeq - 1, so
 * delivery starts with the MemberJoined itself; a room the client did not list starts at the snapshot's
 * `lastSeq` of the room (live from now).
 */
export interface CursorOwner {
  readonly userId: string;
  isOpen(): boolean;
  sendEvent(roomId: string, ev: StoredEvent): void;
  /** An ephemeral frame (typing) of this room, already serialized. */
  sendSignal(text: string): void;
  closeWith(code: number, reason: string): void;
  /** The cursor ended (left the room, or the socket closed). */
  cursorEnded(cursor: RoomCursor): void;
}

export class RoomCursor {
  private mode: 'sync' | 'live' | 'ended' = 'sync';
  private member = true;
  private buffer: StoredEvent[] = [];

  constructor(
    readonly roomId: string,
    /** Last seq of this room sent to the socket. */
    public pos: number,
    private readonly owner: CursorOwner,
    private readonly fanout: Fanout,
  ) {}

  get ended(): boolean {
    return this.mode === 'ended';
  }

  get isMember(): boolean {
    return this.member;
  }

  /** Attach and catch up; resolves when live (or ended). Failures close the socket so the client resumes. */
  async start(): Promise<void> {
    try {
      await this.fanout.attach(this);
    } catch {
      this.fail();
      return;
    }
    await this.catchUp();
  }

  private async catchUp(): Promise<void> {
    if (this.mode === 'ended') return;
    this.mode = 'sync';
    this.buffer = [];
    this.fanout.metrics.backfills++;
    try {
      for await (const raw of roomEventsAfter(this.fanout.history, this.roomId, this.pos)) {
        if (this.ended || !this.owner.isOpen()) return;
        this.fanout.metrics.backfillEvents++;
        const ev = this.fanout.decode(raw);
        if (ev) this.apply(ev);
      }
    } catch {
      this.fail();
      return;
    }
    if (this.ended) return;
    const buffered = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const ev of buffered) this.apply(ev);
    this.mode = 'live';
    if (!this.member) this.end();
  }

  /** A live (or repaired) event of this room from the feed, in room order. */
  onEvent(ev: StoredEvent): void {
    if (this.mode === 'sync') this.buffer.push(ev);
    else if (this.mode === 'live') {
      this.apply(ev);
      if (!this.member) this.end();
    }
  }

  /** Someone is typing in this room: shown to live members only, never to the typer's own sockets. */
  onTyping(userId: string, text: string): void {
    if (this.mode === 'live' && this.member && userId !== this.owner.userId) this.owner.sendSignal(text);
  }

  /** Whether this socket is, right now, a live member of the room (may send typing). */
  get isLiveMember(): boolean {
    return this.mode === 'live' && this.member;
  }

  private apply(ev: StoredEvent): void {
    if (ev.seq <= this.pos) return;
    const own = (ev.type === 'MemberJoined' || ev.type === 'MemberLeft') && ev.data.userId === this.owner.userId;
    if (!this.member) {
      if (!(own && ev.type === 'MemberJoined')) return;
      this.member = true;
    }
    this.owner.sendEvent(this.roomId, ev);
    this.pos = ev.seq;
    if (own && ev.type === 'MemberLeft') this.member = false;
  }

  /** Stop delivering and release the feed. */
  end(): void {
    if (this.mode === 'ended') return;
    this.mode = 'ended';
    this.buffer = [];
    this.fanout.detach(this);
    this.owner.cursorEnded(this);
  }

  /** History or NATS failed under this cursor: the socket is closed with a resume code. */
  fail(): void {
    this.end();
    this.owner.closeWith(CloseCode.ServerError, 'edge could not read the stream; resume');
  }
}
