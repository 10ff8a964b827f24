import { hasLink } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import { max, set } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/**
 * What the search index keeps of a message: its current text (edits re-index: the row's text is replaced and
 * Postgres derives the tsvector again), where it is (room, thread) and who sent it when, for the filters.
 * Membership is deliberately not here: query-api reads it from the chat tables at query time, so a removal
 * takes effect on search as it does on history.
 */
export const searchReducers: Reducers<ReadModelDB> = {
  MessageSent: ({ seq, at, data: d }, out) => {
    const text = pgText(d.text);
    out.insert('search_messages', {
      room_id: d.roomId,
      seq,
      sender_id: d.senderId,
      sent_at: at,
      thread_root_seq: d.thread?.rootSeq ?? null,
      text,
      has_link: hasLink(text),
    });
  },
  MessageEdited: ({ seq, data: d }, out) => {
    const text = pgText(d.text);
    out.patch('search_messages', { room_id: d.roomId, seq: d.messageSeq }, { text: set(text), has_link: set(hasLink(text)), edited_seq: max(seq) });
  },
  MessageDeleted: ({ data: d }, out) => {
    out.tombstone('search_messages', { room_id: d.roomId, seq: d.messageSeq }, { text: '', has_link: false, edited_seq: null });
  },
};
