import { messageTarget, type EventDataOf, type EventEnvelope, type MessageView } from '@natter/contracts/browser';
import { foldInto, sentToItem } from './timeline';
import { messageToItem, type MessageItem } from './types';

/**
 * A thread as this client holds it while it is open: the root and the replies loaded so far (ascending, no gap
 * between them and the newest), each folded with its changes like the room's timeline (timeline.ts). Loaded a
 * page at a time over HTTP (`GET .../messages/{root}/thread`); live room events then extend and change it.
 * Pure functions: the thread pane keeps the state.
 */
export interface ThreadState {
  readonly roomId: string;
  readonly rootSeq: number;
  readonly root: MessageItem | null;
  readonly replies: readonly MessageItem[];
  readonly hasOlder: boolean;
  /** Replies up to this seq are all here (the newest page's asOfSeq, then each live reply). */
  readonly asOf: number;
}

export const emptyThread = (roomId: string, rootSeq: number): ThreadState => ({ roomId, rootSeq, root: null, replies: [], hasOlder: true, asOf: 0 });

/** A page of the thread: the newest one (root, newest replies) or an older one (replies before the first). */
export function mergeThreadPage(t: ThreadState, page: { root: MessageView; replies: MessageView[]; hasMore: boolean; asOfSeq: number }, direction: 'newest' | 'older'): ThreadState {
  const incoming = page.replies.map((m) => messageToItem(m, page.asOfSeq));
  const bySeq = new Map<number, MessageItem>();
  for (const r of [...t.replies, ...incoming]) {
    const held = bySeq.get(r.seq);
    if (!held || r.asOf > held.asOf) bySeq.set(r.seq, r);
  }
  const root = messageToItem(page.root, page.asOfSeq);
  return {
    ...t,
    root: t.root && t.root.asOf > root.asOf ? t.root : root,
    replies: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
    hasOlder: direction === 'older' || t.replies.length === 0 ? page.hasMore : t.hasOlder,
    asOf: direction === 'newest' ? Math.max(t.asOf, page.asOfSeq) : t.asOf,
  };
}

/** A live event of the thread's room: a new reply, or a change to the root or a reply. */
export function applyToThread(t: ThreadState, seq: number, e: EventEnvelope): ThreadState {
  let next = t;
  if (e.type === 'MessageSent' && (e.data as EventDataOf<'MessageSent'>).thread?.rootSeq === t.rootSeq && seq > t.asOf && !t.replies.some((r) => r.seq === seq)) {
    next = { ...next, replies: [...next.replies, sentToItem(seq, e)], asOf: seq };
  }
  const target = messageTarget(e);
  if (target === null) return next;
  if (next.root && target === t.rootSeq) {
    const [root] = foldInto([next.root], target, seq, e);
    if (root !== next.root) next = { ...next, root };
  }
  const replies = foldInto(next.replies, target, seq, e);
  return replies === next.replies ? next : { ...next, replies };
}
