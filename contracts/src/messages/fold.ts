import type { MessageView, ReactionGroup } from '../api/messages';
import type { EventDataOf } from '../events/catalog';
import type { Mentions } from '../events/message.events';
import { EmojiNames } from './emoji';

/**
 * THE rule every reader applies to a message's events, in stream order (the room's order), so that every read
 * model and every client ends in the same state whatever raced (docs/architecture.md, "Message changes"):
 *
 * 1. MessageSent creates the message. A reply (`thread.rootSeq`) also adds one to its root's reply count and
 *    becomes its latest reply, whether or not the root is deleted (replies stay).
 * 2. MessageDeleted turns a live message into a tombstone (no text, mentions, edits, reactions or pin);
 *    a second delete changes nothing (the first one's who and when stay).
 * 3. On a deleted message every other change is void: MessageEdited, Reaction*, MessagePinned/Unpinned.
 * 4. MessageEdited replaces text and mentions and becomes the latest edit.
 * 5. Reactions are a set of (emoji, user): adding a pair that is there, or removing one that is not, changes
 *    nothing. Users of an emoji are in the order they reacted; emoji groups in the emoji list's order.
 * 6. MessagePinned pins an unpinned message (pinning a pinned one keeps the first pin); MessageUnpinned unpins.
 *
 * The commands refuse what rule 3 voids (and too many emoji) when they can see it, but they are not
 * serialized, so racing changes are all stored; this rule is what makes the outcome one state. The chat
 * projection implements it with ChangeSet tombstones and owned rows (projectors/src/chat/message.reducers.ts),
 * the web client with this function; a test compares both after concurrent changes.
 */
export type MessageState = Pick<MessageView, 'seq' | 'text' | 'mentions' | 'edited' | 'deleted' | 'replies' | 'reactions' | 'pinned'>;

/** A room event as clients and the edge hold it (an envelope, or a decoded StoredEvent). */
export interface MessageEventLike {
  readonly type: string;
  readonly at: string;
  readonly data: unknown;
}

export const NoMentions: Mentions = Object.freeze({ userIds: [], room: false, here: false }) as Mentions;

/**
 * The sequence of the message an event changes: the target of an edit, delete, reaction or pin, or the root
 * of a reply's thread. null for any other event (including a top-level MessageSent).
 */
export function messageTarget(ev: MessageEventLike): number | null {
  switch (ev.type) {
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionAdded':
    case 'ReactionRemoved':
    case 'MessagePinned':
    case 'MessageUnpinned':
      return (ev.data as { messageSeq: number }).messageSeq;
    case 'MessageSent':
      return (ev.data as EventDataOf<'MessageSent'>).thread?.rootSeq ?? null;
    default:
      return null;
  }
}

/** `m` after event `ev` (stored at `seq`) about it; the same object when the event changes nothing. */
export function foldMessage<T extends MessageState>(m: T, seq: number, ev: MessageEventLike): T {
  if (seq <= m.seq) return m;
  switch (ev.type) {
    case 'MessageSent': {
      const d = ev.data as EventDataOf<'MessageSent'>;
      if (d.thread?.rootSeq !== m.seq) return m;
      return { ...m, replies: { count: (m.replies?.count ?? 0) + 1, lastSeq: seq, lastAt: ev.at } };
    }
    case 'MessageDeleted': {
      if (m.deleted) return m;
      const d = ev.data as EventDataOf<'MessageDeleted'>;
      return tombstone(m, { seq, by: d.deletedBy, at: ev.at });
    }
  }
  if (m.deleted) return m;
  switch (ev.type) {
    case 'MessageEdited': {
      const d = ev.data as EventDataOf<'MessageEdited'>;
      return { ...m, text: d.text, mentions: d.mentions, edited: { seq, at: ev.at } };
    }
    case 'ReactionAdded': {
      const d = ev.data as EventDataOf<'ReactionAdded'>;
      const group = m.reactions.find((g) => g.emoji === d.emoji);
      if (group?.userIds.includes(d.userId)) return m;
      const next = group ? { ...group, count: group.count + 1, userIds: [...group.userIds, d.userId] } : { emoji: d.emoji, count: 1, userIds: [d.userId] };
      return { ...m, reactions: sortGroups([...m.reactions.filter((g) => g !== group), next]) };
    }
    case 'ReactionRemoved': {
      const d = ev.data as EventDataOf<'ReactionRemoved'>;
      const group = m.reactions.find((g) => g.emoji === d.emoji);
      if (!group?.userIds.includes(d.userId)) return m;
      const userIds = group.userIds.filter((u) => u !== d.userId);
      const rest = m.reactions.filter((g) => g !== group);
      return { ...m, reactions: userIds.length ? sortGroups([...rest, { ...group, count: userIds.length, userIds }]) : rest };
    }
    case 'MessagePinned': {
      if (m.pinned) return m;
      const d = ev.data as EventDataOf<'MessagePinned'>;
      return { ...m, pinned: { by: d.pinnedBy, seq, at: ev.at } };
    }
    case 'MessageUnpinned':
      return m.pinned ? { ...m, pinned: null } : m;
    default:
      return m;
  }
}

/** What is left of a deleted message: who deleted it and when, and its thread summary (its files are gone too). */
export function tombstone<T extends MessageState>(m: T, deleted: NonNullable<MessageState['deleted']>): T {
  const t = { ...m, text: '', mentions: NoMentions, edited: null, reactions: [], pinned: null, deleted };
  if ((m as { attachments?: unknown }).attachments !== undefined) (t as { attachments?: unknown[] }).attachments = [];
  return t;
}

const emojiOrder = new Map(EmojiNames.map((n, i) => [n, i]));
/** Emoji groups in the emoji list's order (stable, and the same for every reader). */
export function sortGroups(groups: ReactionGroup[]): ReactionGroup[] {
  return groups.sort((a, b) => (emojiOrder.get(a.emoji) ?? Infinity) - (emojiOrder.get(b.emoji) ?? Infinity) || (a.emoji < b.emoji ? -1 : 1));
}
