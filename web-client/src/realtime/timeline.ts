import { foldMessage, messageTarget, NoMentions, type EventDataOf, type EventEnvelope, type Message, type MessageView } from '@natter/contracts/browser';
import { messageToItem, withDefaults, type MessageItem, type PersistedRoom, type ReplyTo, type TimelineItem } from './types';

/**
 * A room's timeline as this client holds it.
 * - `items`: ascending by seq, no two with the same seq, and contiguous: nothing of the room is missing
 *   between the first and the last item (history pages and live events only ever extend it at its ends).
 * - `position`: the stream sequence up to which the client has every event of the room; it is what the
 *   WebSocket `resume` frame sends. null: not tracked (never seen, or left).
 * - `hasOlder`: older messages may exist on the server (load with `before = items[0].seq`).
 * - `newestLoaded`: the newest history page was merged in this page load (live items alone are not enough
 *   to show the room when it was never opened).
 * - Messages are the room's timeline (thread-only replies live in their thread, threads.ts), each folded with
 *   the changes made to it (edits, delete, reactions, pin, reply count) by contracts' foldMessage, the rule
 *   every reader shares, so this client ends in the state the server's read model has.
 */
export interface RoomTimeline {
  readonly roomId: string;
  readonly items: readonly TimelineItem[];
  readonly position: number | null;
  readonly hasOlder: boolean;
  readonly newestLoaded: boolean;
}

type Listener = (roomId: string) => void;
/** Changes to messages not held, remembered per room for pages loaded later (see Timelines.unheld). */
const UNHELD_MAX = 500;
/** Which timeline item an event becomes, if any (the app's mapping extends `eventToItem`). */
export type EventToItem = (seq: number, e: EventEnvelope) => TimelineItem | null;

/** Every room's timeline. Updates replace a room's object, so React can compare by reference. */
export class Timelines {
  private readonly rooms = new Map<string, RoomTimeline>();
  private readonly listeners = new Set<Listener>();
  /**
   * Per room, the latest changes to messages this client did not hold when they arrived (bounded). A history
   * page is a snapshot of the read model, which may be behind the live stream: its items get these folded in
   * (those above the page's asOfSeq), so a change seen live is never lost to a page loaded after it.
   */
  private readonly unheld = new Map<string, { seq: number; event: EventEnvelope }[]>();
  /** Bumped on every change of any room (a snapshot for views that span rooms, like the room list). */
  version = 0;
  private epochValue: string | null = null;

  /** The epoch every position belongs to (from the server's hello/synced); null until one is known. */
  get epoch(): string | null {
    return this.epochValue;
  }

  /** The server named the epoch: every room's record carries it from now on. */
  setEpoch(epoch: string): void {
    if (epoch === this.epochValue) return;
    this.epochValue = epoch;
    for (const id of this.rooms.keys()) this.emit(id);
  }

  constructor(private readonly toItem: EventToItem = eventToItem) {}

  static empty(roomId: string): RoomTimeline {
    return { roomId, items: [], position: null, hasOlder: true, newestLoaded: false };
  }

  get(roomId: string): RoomTimeline {
    let t = this.rooms.get(roomId);
    if (!t) {
      t = Timelines.empty(roomId);
      this.rooms.set(roomId, t);
    }
    return t;
  }

  /** The `rooms` of a resume frame: every tracked room and its position. */
  positions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.rooms.values()) if (t.position !== null) out[t.roomId] = t.position;
    return out;
  }

  roomIds(): string[] {
    return [...this.rooms.keys()];
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Restore what a previous page load persisted (before connecting). Records are all of one epoch (a reset
   * rewrites every one); should they disagree, the rooms of any epoch but the first record's are not restored.
   */
  restore(rooms: PersistedRoom[]): void {
    this.epochValue = rooms.find((r) => r.position !== null)?.epoch ?? null;
    for (const r of rooms) {
      if ((r.epoch ?? null) !== this.epochValue && r.position !== null) continue;
      this.rooms.set(r.roomId, { roomId: r.roomId, items: sortUnique(r.items.map(withDefaults)), position: r.position, hasOlder: r.hasOlder, newestLoaded: false });
      this.emit(r.roomId);
    }
  }

  /**
   * A live or backfilled event. Returns false (and changes nothing) when `seq` is at or below the room's
   * position: a duplicate, or a replay of something already held.
   */
  applyEvent(roomId: string, seq: number, event: EventEnvelope): boolean {
    const t = this.get(roomId);
    if (t.position !== null && seq <= t.position) return false;
    const item = this.toItem(seq, event);
    let items = item && !t.items.some((i) => i.seq === seq) ? insertSorted(t.items, item) : t.items;
    const target = messageTarget(event);
    if (target !== null) {
      if (items.some((i) => i.seq === target)) items = foldInto(items, target, seq, event);
      else this.remember(roomId, seq, event);
    }
    this.set({ ...t, items, position: seq });
    return true;
  }

  private remember(roomId: string, seq: number, event: EventEnvelope): void {
    const list = this.unheld.get(roomId) ?? [];
    list.push({ seq, event });
    if (list.length > UNHELD_MAX) list.splice(0, list.length - UNHELD_MAX);
    this.unheld.set(roomId, list);
  }

  /** `synced` says the client is complete up to `seq`: move the position forward, never back. */
  advance(roomId: string, seq: number): void {
    const t = this.get(roomId);
    if (t.position === null || seq > t.position) this.set({ ...t, position: seq });
  }

  /** Stop tracking a room (the user left it): it is not resumed any more. */
  untrack(roomId: string): void {
    const t = this.rooms.get(roomId);
    if (t && t.position !== null) this.set({ ...t, position: null });
  }

  /** Start over for a room (re-joined after a gap in membership): drop items, keep nothing stale. */
  reset(roomId: string, position: number | null): void {
    this.unheld.delete(roomId);
    this.set({ ...Timelines.empty(roomId), position });
  }

  /**
   * Merge a history page. `newest`: the newest page (no cursor); its `asOfSeq` seeds the position of an
   * untracked room, so the WebSocket resumes right after what the page showed. `older`: the page before
   * the first item.
   */
  mergePage(roomId: string, messages: (Message | MessageView)[], page: { direction: 'newest' | 'older'; hasMore: boolean; asOfSeq: number }): void {
    const t = this.get(roomId);
    let incoming = messages.map((m) => messageToItem(m, page.asOfSeq));
    for (const { seq, event } of this.unheld.get(roomId) ?? []) incoming = foldInto(incoming, messageTarget(event)!, seq, event);
    const items = sortUnique([...t.items, ...incoming]);
    // The server's answer is exact: no more messages before the page means none before anything held either
    // (rows held from live events, such as "You joined", are not messages; a message older than the page would
    // have been in it). A new room no longer offers "Load older messages" with nothing older.
    const hasOlder = page.hasMore;
    const position = t.position ?? (page.direction === 'newest' ? page.asOfSeq : null);
    this.set({ ...t, items, hasOlder, position, newestLoaded: t.newestLoaded || page.direction === 'newest' });
  }

  /** A message the server acknowledged to us; its live event will be recognised by seq. A thread-only reply is its thread's. */
  insertMessage(roomId: string, m: Message, reply?: ReplyTo): void {
    const t = this.get(roomId);
    const item = messageToItem(m, m.seq, reply);
    if (!item.inRoom || t.items.some((i) => i.seq === m.seq)) return;
    this.set({ ...t, items: insertSorted(t.items, item) });
  }

  clear(): void {
    const ids = [...this.rooms.keys()];
    this.rooms.clear();
    this.unheld.clear();
    for (const id of ids) this.emit(id);
  }

  /** Drop every room (positions, items: all of another stream) and start over in `epoch` (null: not known yet). */
  clearAll(epoch: string | null): void {
    this.epochValue = epoch;
    this.clear();
  }

  private set(t: RoomTimeline): void {
    this.rooms.set(t.roomId, t);
    this.emit(t.roomId);
  }

  private emit(roomId: string): void {
    this.version++;
    for (const fn of this.listeners) fn(roomId);
  }
}

/** The item a MessageSent becomes (in the room's timeline or in its thread). */
export function sentToItem(seq: number, e: EventEnvelope): MessageItem {
  const d = e.data as EventDataOf<'MessageSent'>;
  return {
    kind: 'message',
    seq,
    id: String(d.messageId),
    senderId: String(d.senderId),
    clientMsgId: String(d.clientMsgId),
    text: String(d.text),
    at: e.at,
    inRoom: !d.thread || d.thread.alsoToRoom,
    threadRootSeq: d.thread?.rootSeq ?? null,
    mentions: d.mentions ?? NoMentions,
    edited: null,
    deleted: null,
    replies: null,
    reactions: [],
    pinned: null,
    ...(d.attachments?.length ? { attachments: d.attachments } : {}),
    asOf: seq,
  };
}

/** Fold an event into the message item `target` of `items` if held and not already in it (seq > asOf). */
export function foldInto<T extends TimelineItem>(items: readonly T[], target: number, seq: number, e: EventEnvelope): T[] {
  const i = items.findIndex((x) => x.seq === target);
  const m = items[i];
  if (!m || m.kind !== 'message' || seq <= m.asOf) return items as T[];
  const out = items.slice();
  out[i] = { ...foldMessage(m, seq, e), asOf: seq } as T;
  return out;
}

/** The event types eventToItem maps itself (a null answer for one of them means: not shown in the timeline). */
export const ownEventTypes: ReadonlySet<string> = new Set(['MessageSent', 'MemberJoined', 'MemberLeft']);

export function eventToItem(seq: number, e: EventEnvelope): TimelineItem | null {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'MessageSent': {
      const item = sentToItem(seq, e);
      return item.inRoom ? item : null;
    }
    case 'MemberJoined':
      return { kind: 'member', seq, userId: String(d.userId), change: 'joined', at: e.at };
    case 'MemberLeft':
      return { kind: 'member', seq, userId: String(d.userId), change: d.reason === 'removed' ? 'removed' : 'left', at: e.at };
    default:
      return null;
  }
}

function insertSorted(items: readonly TimelineItem[], item: TimelineItem): TimelineItem[] {
  const out = items.slice();
  let i = out.length;
  while (i > 0 && out[i - 1].seq > item.seq) i--;
  out.splice(i, 0, item);
  return out;
}

/** One item per seq, ascending; of two messages with one seq, the one with more changes in it (higher asOf). */
function sortUnique(items: readonly TimelineItem[]): TimelineItem[] {
  const bySeq = new Map<number, TimelineItem>();
  for (const i of items) {
    const held = bySeq.get(i.seq);
    if (!held || (held.kind === 'message' && i.kind === 'message' && i.asOf > held.asOf)) bySeq.set(i.seq, i);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
