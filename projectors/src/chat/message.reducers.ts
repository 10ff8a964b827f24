import { markersMovedBySend, NoMentions } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import { add, max, set } from '../runtime/change-set';
import { pgText } from '../runtime/pg-text';
import type { Reducers } from '../runtime/reduced-projection';
import { moveMarker } from './read-state.reducers';

/**
 * `messages`, keyed and ordered by (room_id, seq): the history cursor. A message of the room's timeline raises
 * its room's last_seq (a thread-only reply, an edit or a reaction does not: they are not new in the timeline).
 *
 * Changes to a message follow contracts' foldMessage; the ChangeSet rules in chat.tables.ts make them
 * batch-independent: a delete tombstones the row and purges what it owns, and nothing after a delete changes
 * its content or owned rows, in this batch or any later one. Reactions and pins are sets (`ensure`/`delete`).
 */
export const messageReducers: Reducers<ReadModelDB> = {
  MessageSent: ({ seq, at, data: d }, out) => {
    const thread = d.thread;
    const inRoom = !thread || thread.alsoToRoom;
    out.insert('messages', {
      room_id: d.roomId,
      seq,
      id: d.messageId,
      sender_id: d.senderId,
      client_msg_id: pgText(d.clientMsgId),
      text: pgText(d.text),
      sent_at: at,
      in_room: inRoom,
      thread_root_seq: thread?.rootSeq ?? null,
      mentions: d.mentions,
      ...(d.attachments?.length ? { attachments: d.attachments } : {}),
    });
    if (inRoom) out.patch('rooms', { id: d.roomId }, { last_seq: max(seq) });
    // Your own message is read (issue 12): the room's marker, and the thread's for a reply.
    for (const m of markersMovedBySend(d.roomId, seq, thread)) moveMarker(out, d.senderId, m.roomId, m.threadRootSeq ?? 0, m.seq);
    if (thread) {
      out.patch('messages', { room_id: d.roomId, seq: thread.rootSeq }, { reply_count: add(1), last_reply_seq: max(seq), last_reply_at: set(at) });
      out.insert('thread_participants', { room_id: d.roomId, root_seq: thread.rootSeq, user_id: thread.rootSenderId, first_seq: thread.rootSeq });
      out.insert('thread_participants', { room_id: d.roomId, root_seq: thread.rootSeq, user_id: d.senderId, first_seq: seq });
    }
  },
  MessageEdited: ({ seq, at, data: d }, out) => {
    const text = pgText(d.text);
    out.patch('messages', { room_id: d.roomId, seq: d.messageSeq }, { edited_text: set(text), edited_seq: max(seq), edited_at: set(at), mentions: set(d.mentions) });
    out.insert('message_edits', { room_id: d.roomId, message_seq: d.messageSeq, seq, text, edited_at: at });
  },
  MessageDeleted: ({ seq, at, data: d }, out) => {
    out.tombstone(
      'messages',
      { room_id: d.roomId, seq: d.messageSeq },
      { text: '', edited_text: null, edited_seq: null, edited_at: null, mentions: NoMentions, attachments: [], deleted_seq: seq, deleted_by: d.deletedBy, deleted_at: at },
    );
  },
  ReactionAdded: ({ seq, data: d }, out) => out.ensure('message_reactions', { room_id: d.roomId, message_seq: d.messageSeq, emoji: d.emoji, user_id: d.userId, seq }),
  ReactionRemoved: ({ data: d }, out) => out.delete('message_reactions', { room_id: d.roomId, message_seq: d.messageSeq, emoji: d.emoji, user_id: d.userId }),
  MessagePinned: ({ seq, at, data: d }, out) =>
    out.ensure('message_pins', { room_id: d.roomId, message_seq: d.messageSeq, pinned_by: d.pinnedBy, pinned_seq: seq, pinned_at: at }),
  MessageUnpinned: ({ data: d }, out) => out.delete('message_pins', { room_id: d.roomId, message_seq: d.messageSeq }),
  // A room meta event, but its settings are the messages' (edit window, who pins): the whole settings, last wins.
  RoomSettingsUpdated: ({ seq, data: d }, out) =>
    out.put('room_settings', { room_id: d.roomId, edit_window_seconds: d.editWindowSeconds, anyone_can_pin: d.anyoneCanPin, updated_seq: seq }),
};
