import type { Message } from '@natter/contracts';
import type { MessageRow } from '@natter/infra/runtime';
import type { ReadScope } from '../read-model/scope';

export function rowToMessage(r: MessageRow): Message {
  return {
    id: r.id,
    roomId: r.room_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    clientMsgId: r.client_msg_id,
    text: r.text,
    sentAt: r.sent_at instanceof Date ? r.sent_at.toISOString() : new Date(r.sent_at).toISOString(),
  };
}

export type HistoryCursor = { before: number } | { after: number } | { newest: true };

/**
 * The `messages` read model. Every page is one range scan of the primary key (room_id, seq) with a LIMIT of
 * limit+1 (the extra row only says whether there is more): cost depends on the page size, not the room size.
 * SQL: queries/messages.history-*.sql.
 */
export class MessagesRepository {
  async page(q: ReadScope, roomId: string, cursor: HistoryCursor, limit: number): Promise<{ messages: Message[]; hasMore: boolean }> {
    const ascending = 'after' in cursor;
    const rows = await q
      .selectFrom('messages')
      .selectAll()
      .where('room_id', '=', roomId)
      .$if('before' in cursor, (qb) => qb.where('seq', '<', (cursor as { before: number }).before))
      .$if('after' in cursor, (qb) => qb.where('seq', '>', (cursor as { after: number }).after))
      .orderBy('room_id', ascending ? 'asc' : 'desc')
      .orderBy('seq', ascending ? 'asc' : 'desc')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    if (!ascending) page.reverse();
    return { messages: page.map(rowToMessage), hasMore };
  }
}
