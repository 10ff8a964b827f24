import type { EventEnvelope, MyRoom, UnreadState } from '@natter/contracts/browser';

/**
 * Unread and mention counts per room, kept exact between reads of `GET /api/me/rooms` (issue 12). The server's
 * counts (a snapshot, exact as of its `asOfSeq`) are the base; live events after that seq are applied on top,
 * in seq order, and re-applied whenever a new snapshot arrives (those at or below its asOfSeq are dropped):
 * - a message in a room's timeline from someone else after the marker: +1 unread (+1 mention if it names me,
 *   @room or @here); my own: the marker moves to it (everything before it is read, as the server does);
 * - my marker moved (a `user_event` from any of my devices) to or past the room's newest message: all read;
 * - anything the client cannot count by itself (a marker moved to the middle, an edit or delete of an unread
 *   message) asks for a new snapshot (`onStale(seq)`: read with minSeq = seq).
 * So the badge of a room read on another device clears as soon as that device's marker event arrives.
 */
export interface RoomUnread extends UnreadState {
  /** The newest message of the room's timeline known here (server's lastSeq, or a live message since). */
  latestSeq: number;
}

type Delta =
  | { seq: number; roomId: string; kind: 'message'; mine: boolean; mentionsMe: boolean }
  | { seq: number; roomId: string; kind: 'read'; upto: number };

const NONE: RoomUnread = { readSeq: 0, unread: 0, mentions: 0, firstUnreadSeq: null, latestSeq: 0 };

export class UnreadStore {
  private base = new Map<string, RoomUnread>();
  private asOfSeq = 0;
  private deltas: Delta[] = [];
  private view = new Map<string, RoomUnread>();
  private readonly listeners = new Set<() => void>();
  /** Changes on every update, for useSyncExternalStore. */
  version = 0;

  constructor(
    private readonly me: string,
    /** The live events say the counts changed in a way only the server can count: read again with this minSeq. */
    private readonly onStale: (seq: number) => void = () => {},
  ) {}

  /** A `GET /api/me/rooms` answer (exact as of `asOfSeq`). */
  setSnapshot(items: readonly MyRoom[], asOfSeq: number): void {
    if (asOfSeq < this.asOfSeq) return; // an older answer than one already applied
    this.base = new Map(items.map((r) => [r.id, { ...(r.unread ?? NONE), latestSeq: r.lastSeq }]));
    this.asOfSeq = asOfSeq;
    this.deltas = this.deltas.filter((d) => d.seq > asOfSeq);
    this.recompute();
  }

  /** A live event of a room (the realtime client's onEvent). */
  onRoomEvent(roomId: string, seq: number, event: EventEnvelope): void {
    if (seq <= this.asOfSeq) return;
    const d = event.data as { senderId?: string; thread?: { alsoToRoom: boolean }; mentions?: { userIds: string[]; room: boolean; here: boolean }; messageSeq?: number };
    if (event.type === 'MessageSent' && (!d.thread || d.thread.alsoToRoom)) {
      const m = d.mentions;
      this.push({ seq, roomId, kind: 'message', mine: d.senderId === this.me, mentionsMe: !!m && (m.userIds.includes(this.me) || m.room || m.here) });
    } else if ((event.type === 'MessageEdited' || event.type === 'MessageDeleted') && (d.messageSeq ?? 0) > this.get(roomId).readSeq) {
      this.onStale(seq);
    }
  }

  /** One of my own events (`user_event`): markers moved on any device of mine. */
  onUserEvent(seq: number, event: EventEnvelope): void {
    if (event.type !== 'ReadMarkersMoved' || seq <= this.asOfSeq) return;
    const markers = (event.data as { markers: { roomId: string; seq: number; threadRootSeq?: number }[] }).markers;
    let stale = false;
    for (const m of markers) {
      if (m.threadRootSeq !== undefined) continue;
      const r = this.get(m.roomId);
      if (m.seq > r.readSeq && m.seq < r.latestSeq && r.unread > 0) stale = true;
      this.deltas.push({ seq, roomId: m.roomId, kind: 'read', upto: m.seq });
    }
    this.recompute();
    if (stale) this.onStale(seq);
  }

  /** Whether a snapshot of the server's counts has arrived (before it, every room reads as all read). */
  get loaded(): boolean {
    return this.asOfSeq > 0;
  }

  get(roomId: string): RoomUnread {
    return this.view.get(roomId) ?? NONE;
  }

  /** Over every room: for the title and the favicon badge. */
  totals(): { unread: number; mentions: number } {
    let unread = 0;
    let mentions = 0;
    for (const r of this.view.values()) {
      unread += r.unread;
      mentions += r.mentions;
    }
    return { unread, mentions };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private push(d: Delta): void {
    this.deltas.push(d);
    this.recompute();
  }

  private recompute(): void {
    const view = new Map<string, RoomUnread>();
    for (const [id, r] of this.base) view.set(id, { ...r });
    for (const d of [...this.deltas].sort((a, b) => a.seq - b.seq)) {
      const r = view.get(d.roomId) ?? { ...NONE };
      view.set(d.roomId, r);
      if (d.kind === 'message') {
        r.latestSeq = Math.max(r.latestSeq, d.seq);
        if (d.mine) Object.assign(r, { readSeq: Math.max(r.readSeq, d.seq), unread: 0, mentions: 0, firstUnreadSeq: null });
        else if (d.seq > r.readSeq) {
          r.unread++;
          if (d.mentionsMe) r.mentions++;
          r.firstUnreadSeq ??= d.seq;
        }
      } else if (d.upto > r.readSeq) {
        r.readSeq = d.upto;
        // Read to the newest message: nothing is unread. Short of it: kept until the server's count (onStale).
        if (d.upto >= r.latestSeq) Object.assign(r, { unread: 0, mentions: 0, firstUnreadSeq: null });
      }
    }
    this.view = view;
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
