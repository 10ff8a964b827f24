import type { ReadModelDB } from '@natter/infra/runtime';
import { max } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';

/** `messages`, keyed and ordered by (room_id, seq): the history cursor. A message also raises its room's last_seq. */
export const messageReducers: Reducers<ReadModelDB> = {
  MessageSent: ({ seq, at, data: d }, out) => {
    out.insert('messages', {
      room_id: d.roomId,
      seq,
      id: d.messageId,
      sender_id: d.senderId,
      client_msg_id: pgText(d.clientMsgId),
      text: pgText(d.text),
      sent_at: at,
    });
    out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
  },
};
