import type { EventDataOf, NotificationKind, NotificationLevel } from '@natter/contracts';

/** A room member as the decision sees them: their settings, and whether they follow the message's thread. */
export interface Candidate {
  userId: string;
  level: NotificationLevel;
  roomLevel: NotificationLevel | null;
  roomMuted: boolean;
  threadMuted: boolean;
  followsThread: boolean;
}

/** The kinds a level lets through: "mentions" means everything addressed to you (DMs, replies, followed threads). */
const allowed: Record<NotificationLevel, ReadonlySet<NotificationKind>> = {
  all: new Set(['dm', 'mention', 'room_mention', 'reply', 'thread', 'message']),
  mentions: new Set(['dm', 'mention', 'room_mention', 'reply', 'thread']),
  nothing: new Set(),
};

/**
 * Who is notified of a sent message, and why (the strongest reason): pure, so the projection, a rebuild and
 * the unit spec decide alike. Never the sender; a muted room or thread sends nothing (mentions included);
 * the room's level overrides the user's.
 */
export function decideRecipients(msg: EventDataOf<'MessageSent'>, isDm: boolean, candidates: readonly Candidate[]): { userId: string; kind: NotificationKind }[] {
  const mentioned = new Set(msg.mentions?.userIds ?? []);
  const roomWide = !!(msg.mentions?.room || msg.mentions?.here);
  const out: { userId: string; kind: NotificationKind }[] = [];
  for (const c of candidates) {
    if (c.userId === msg.senderId || c.roomMuted || (msg.thread && c.threadMuted)) continue;
    const kind: NotificationKind | null = isDm
      ? 'dm'
      : mentioned.has(c.userId)
        ? 'mention'
        : roomWide
          ? 'room_mention'
          : msg.thread?.rootSenderId === c.userId
            ? 'reply'
            : msg.thread && c.followsThread
              ? 'thread'
              : 'message';
    if (allowed[c.roomLevel ?? c.level].has(kind)) out.push({ userId: c.userId, kind });
  }
  return out;
}

/** Who follows a thread after a reply: its root's author, everyone who replied, everyone mentioned in it. */
export function newFollowers(msg: EventDataOf<'MessageSent'>): string[] {
  if (!msg.thread) return [];
  return [...new Set([msg.thread.rootSenderId, msg.senderId, ...(msg.mentions?.userIds ?? [])])];
}

/** The notification's text: the message's first 140 characters on one line. */
export function excerptOf(text: string): string {
  const one = plainText(text).replace(/\s+/g, ' ').trim();
  return one.length > 140 ? `${one.slice(0, 139)}…` : one;
}

/**
 * The message's Markdown subset as the words a reader sees (the bell and the mails show text, not markup):
 * code fences, quote and list markers at line starts, emphasis, strike-through and inline-code marks go, and a
 * link keeps its text. Underscores inside words (`bob_smith`) stay.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^\s*```[^\n]*$/gm, '')
    .replace(/^\s{0,3}(?:>\s?)+/gm, '')
    .replace(/^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+/gm, '')
    .replace(/\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, '$1')
    .replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)([^*_\n]*?\S)[*_](?![\w*])/g, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1');
}
