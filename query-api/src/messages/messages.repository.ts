import { NoMentions, sortGroups, type Message, type MessageFacts, type MessageView, type ReactionGroup } from '@natter/contracts';
import type { MessageRow } from '@natter/infra/runtime';
import { sql } from 'kysely';
import type { ReadScope } from '../read-model/scope';

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

export function rowToMessage(r: Pick<MessageRow, 'id' | 'room_id' | 'seq' | 'sender_id' | 'client_msg_id' | 'text' | 'sent_at'>): Message {
  return { id: r.id, roomId: r.room_id, seq: Number(r.seq), senderId: r.sender_id, clientMsgId: r.client_msg_id, text: r.text, sentAt: iso(r.sent_at) };
}

/** A message row with its sender's name, its reactions ([emoji, userId] in reaction order) and its pin. */
type ViewRow = MessageRow & {
  sender_name: string | null;
  reaction_list: [string, string][] | null;
  pinned_by: string | null;
  pinned_seq: number | null;
  pinned_at: Date | string | null;
};

/** Reactions grouped per emoji (users in the order they reacted), groups in the emoji list's order. */
function groupReactions(list: [string, string][] | null): ReactionGroup[] {
  if (!list) return [];
  const byEmoji = new Map<string, string[]>();
  for (const [emoji, userId] of list) byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), userId]);
  return sortGroups([...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds })));
}

/** A row as the API shows it. A tombstone has no text (the row has none left either). */
export function rowToView(r: ViewRow): MessageView {
  return {
    ...rowToMessage(r),
    text: r.deleted ? '' : (r.edited_text ?? r.text),
    senderName: r.sender_name ?? '',
    inRoom: r.in_room,
    threadRootSeq: r.thread_root_seq === null ? null : Number(r.thread_root_seq),
    mentions: r.deleted ? NoMentions : r.mentions,
    edited: r.edited_seq === null || r.deleted ? null : { seq: Number(r.edited_seq), at: iso(r.edited_at!) },
    deleted: r.deleted ? { seq: Number(r.deleted_seq), by: r.deleted_by!, at: iso(r.deleted_at!) } : null,
    replies: r.reply_count > 0 ? { count: r.reply_count, lastSeq: Number(r.last_reply_seq), lastAt: iso(r.last_reply_at!) } : null,
    reactions: groupReactions(r.reaction_list),
    pinned: r.pinned_by !== null ? { by: r.pinned_by, seq: Number(r.pinned_seq), at: iso(r.pinned_at!) } : null,
    attachments: r.deleted ? [] : (r.attachments ?? []),
  };
}

export type HistoryCursor = { before: number } | { after: number } | { newest: true };

/** Which messages a page reads: the room's timeline, or one thread's replies. */
export type MessageScope = { timeline: true } | { threadRootSeq: number };

/**
 * The `messages` read model and what hangs off it (reactions, pins, edit history). Every page is one statement:
 * a range scan of an index on (room_id, seq) (the timeline's partial index `in_room`, or the thread index)
 * with a LIMIT of limit+1 (the extra row only says whether there is more), each row joined with its sender's
 * name and pin and its reactions (a primary-key range, aggregated): cost depends on the page size, not the
 * room size. SQL: queries/messages.*.sql.
 */
export class MessagesRepository {
  async page(q: ReadScope, roomId: string, scope: MessageScope, cursor: HistoryCursor, limit: number): Promise<{ messages: MessageView[]; hasMore: boolean }> {
    const ascending = 'after' in cursor;
    const rows = await this.rows(q, roomId)
      // A literal, not a parameter: the partial index (where in_room) must be provably usable in a generic plan.
      .$if('timeline' in scope, (qb) => qb.where('m.in_room', '=', sql.lit(true)))
      .$if('threadRootSeq' in scope, (qb) => qb.where('m.thread_root_seq', '=', (scope as { threadRootSeq: number }).threadRootSeq))
      .$if('before' in cursor, (qb) => qb.where('m.seq', '<', (cursor as { before: number }).before))
      .$if('after' in cursor, (qb) => qb.where('m.seq', '>', (cursor as { after: number }).after))
      .orderBy('m.seq', ascending ? 'asc' : 'desc')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    if (!ascending) page.reverse();
    return { messages: page.map(rowToView), hasMore };
  }

  /** One message of the room (thread replies too), or undefined. */
  async one(q: ReadScope, roomId: string, seq: number): Promise<MessageView | undefined> {
    const row = await this.rows(q, roomId).where('m.seq', '=', seq).executeTakeFirst();
    return row && rowToView(row);
  }

  /** The room's pinned messages, most recently pinned first. */
  async pinned(q: ReadScope, roomId: string): Promise<MessageView[]> {
    const rows = await this.rows(q, roomId).where('p.pinned_seq', 'is not', null).orderBy('p.pinned_seq', 'desc').execute();
    return rows.map(rowToView);
  }

  /** Every version of a message's text, the original first; [] when deleted (its edits are gone too). */
  async versions(q: ReadScope, roomId: string, seq: number): Promise<{ seq: number; text: string; at: string }[] | undefined> {
    const m = await q.selectFrom('messages').select(['seq', 'text', 'sent_at', 'deleted']).where('room_id', '=', roomId).where('seq', '=', seq).executeTakeFirst();
    if (!m) return undefined;
    if (m.deleted) return [];
    const edits = await q.selectFrom('message_edits').select(['seq', 'text', 'edited_at']).where('room_id', '=', roomId).where('message_seq', '=', seq).orderBy('seq').execute();
    return [{ seq: Number(m.seq), text: m.text, at: iso(m.sent_at) }, ...edits.map((e) => ({ seq: Number(e.seq), text: e.text, at: iso(e.edited_at) }))];
  }

  /** What command-api decides a change to a message on (natter.query.message-state). */
  async facts(q: ReadScope, roomId: string, seq: number): Promise<MessageFacts | null> {
    const m = await q
      .selectFrom('messages')
      .select(['seq', 'id', 'sender_id', 'sent_at', 'thread_root_seq', 'deleted_seq'])
      .where('room_id', '=', roomId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!m) return null;
    const [emoji, pin] = await Promise.all([
      q.selectFrom('message_reactions').select('emoji').distinct().where('room_id', '=', roomId).where('message_seq', '=', seq).execute(),
      q.selectFrom('message_pins').select('pinned_seq').where('room_id', '=', roomId).where('message_seq', '=', seq).executeTakeFirst(),
    ]);
    return {
      seq: Number(m.seq),
      messageId: m.id,
      senderId: m.sender_id,
      sentAt: iso(m.sent_at),
      threadRootSeq: m.thread_root_seq === null ? null : Number(m.thread_root_seq),
      deletedSeq: m.deleted_seq === null ? null : Number(m.deleted_seq),
      emoji: emoji.map((e) => e.emoji),
      pinned: pin !== undefined,
    };
  }

  /** Of `seqs`, the deleted messages of the room (natter.query.deleted-messages: the edge redacts them). */
  async deletedAmong(q: ReadScope, roomId: string, seqs: number[]): Promise<number[]> {
    if (seqs.length === 0) return [];
    const rows = await q.selectFrom('messages').select('seq').where('room_id', '=', roomId).where('seq', 'in', seqs).where('deleted', '=', true).execute();
    return rows.map((r) => Number(r.seq));
  }

  /**
   * Messages of the room with what a view needs, in one statement: the sender's name, the pin (primary-key
   * join) and the reactions (a correlated primary-key range per row, evaluated only for the rows returned).
   */
  private rows(q: ReadScope, roomId: string) {
    return q
      .selectFrom('messages as m')
      .leftJoin('users as u', 'u.id', 'm.sender_id')
      .leftJoin('message_pins as p', (j) => j.onRef('p.room_id', '=', 'm.room_id').onRef('p.message_seq', '=', 'm.seq'))
      .selectAll('m')
      .select(['u.display_name as sender_name', 'p.pinned_by', 'p.pinned_seq', 'p.pinned_at'])
      .select((eb) =>
        eb
          .selectFrom('message_reactions as r')
          .select(sql<[string, string][]>`jsonb_agg(jsonb_build_array(r.emoji, r.user_id) order by r.seq)`.as('list'))
          .whereRef('r.room_id', '=', 'm.room_id')
          .whereRef('r.message_seq', '=', 'm.seq')
          .as('reaction_list'),
      )
      .where('m.room_id', '=', roomId);
  }
}
