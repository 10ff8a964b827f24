import { NoMentions, sortGroups, type Message, type MessageFacts, type MessageView, type ReactionGroup } from '@natter/contracts';
import type { MessageRow } from '@natter/infra/runtime';
import { sql } from 'kysely';
import type { ReadScope } from '../read-model/scope';

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

export function rowToMessage(r: Pick<MessageRow, 'id' | 'room_id' | 'seq' | 'sender_id' | 'client_msg_id' | 'text' | 'sent_at'>): Message {
  return { id: r.id, roomId: r.room_id, seq: Number(r.seq), senderId: r.sender_id, clientMsgId: r.client_msg_id, text: r.text, sentAt: iso(r.sent_at) };
}

type ViewRow = MessageRow & { sender_name: string | null };

/** A row with its reactions and pin as the API shows it. A tombstone has no text (the row has none left either). */
export function rowToView(r: ViewRow, reactions: ReactionGroup[], pin: { pinned_by: string; pinned_seq: number; pinned_at: Date | string } | undefined): MessageView {
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
    reactions,
    pinned: pin ? { by: pin.pinned_by, seq: Number(pin.pinned_seq), at: iso(pin.pinned_at) } : null,
  };
}

export type HistoryCursor = { before: number } | { after: number } | { newest: true };

/** Which messages a page reads: the room's timeline, or one thread's replies. */
export type MessageScope = { timeline: true } | { threadRootSeq: number };

/**
 * The `messages` read model and what hangs off it (reactions, pins, edit history). Every page is one range
 * scan of an index on (room_id, seq) (the timeline's partial index `in_room`, or the thread index) with a
 * LIMIT of limit+1 (the extra row only says whether there is more), plus one lookup each for the page's
 * reactions and pins by primary key: cost depends on the page size, not the room size.
 * SQL: queries/messages.*.sql.
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
    return { messages: await this.views(q, roomId, page), hasMore };
  }

  /** One message of the room (thread replies too), or undefined. */
  async one(q: ReadScope, roomId: string, seq: number): Promise<MessageView | undefined> {
    const row = await this.rows(q, roomId).where('m.seq', '=', seq).executeTakeFirst();
    return row && (await this.views(q, roomId, [row]))[0];
  }

  /** The room's pinned messages, most recently pinned first. */
  async pinned(q: ReadScope, roomId: string): Promise<MessageView[]> {
    const pins = await q.selectFrom('message_pins').select('message_seq').where('room_id', '=', roomId).orderBy('pinned_seq', 'desc').execute();
    if (pins.length === 0) return [];
    const rows = await this.rows(q, roomId).where('m.seq', 'in', pins.map((p) => p.message_seq)).execute();
    const bySeq = new Map((await this.views(q, roomId, rows)).map((v) => [v.seq, v]));
    return pins.flatMap((p) => bySeq.get(Number(p.message_seq)) ?? []);
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

  private rows(q: ReadScope, roomId: string) {
    return q
      .selectFrom('messages as m')
      .leftJoin('users as u', 'u.id', 'm.sender_id')
      .selectAll('m')
      .select('u.display_name as sender_name')
      .where('m.room_id', '=', roomId);
  }

  /** Rows with their reactions (grouped per emoji, users in the order they reacted) and pins: two lookups. */
  private async views(q: ReadScope, roomId: string, rows: ViewRow[]): Promise<MessageView[]> {
    if (rows.length === 0) return [];
    const seqs = rows.map((r) => r.seq);
    const [reactions, pins] = await Promise.all([
      q.selectFrom('message_reactions').select(['message_seq', 'emoji', 'user_id']).where('room_id', '=', roomId).where('message_seq', 'in', seqs).orderBy('message_seq').orderBy('seq').execute(),
      q.selectFrom('message_pins').select(['message_seq', 'pinned_by', 'pinned_seq', 'pinned_at']).where('room_id', '=', roomId).where('message_seq', 'in', seqs).execute(),
    ]);
    const groups = new Map<number, Map<string, string[]>>();
    for (const r of reactions) {
      const byEmoji = groups.get(Number(r.message_seq)) ?? new Map<string, string[]>();
      byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.user_id]);
      groups.set(Number(r.message_seq), byEmoji);
    }
    const pinBySeq = new Map(pins.map((p) => [Number(p.message_seq), p]));
    return rows.map((r) => {
      const byEmoji = groups.get(Number(r.seq));
      const grouped = byEmoji ? sortGroups([...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }))) : [];
      return rowToView(r, grouped, pinBySeq.get(Number(r.seq)));
    });
  }
}
