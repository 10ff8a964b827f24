import type { ReadModelDB } from '@natter/infra/runtime';
import type { PrimaryKeys, TableRules } from '../runtime/change-set';

/**
 * The chat read model's tables (infra/migrations/read-model/read-model.sql) and their primary keys, in
 * the order a batch writes them. The checkpoint table is the runtime's, never a reducer's.
 */
export const chatTables: PrimaryKeys<ReadModelDB> = {
  users: ['id'],
  rooms: ['id'],
  room_members: ['room_id', 'user_id'],
  messages: ['room_id', 'seq'],
  // read-model v2 (issue 11)
  user_search_terms: ['user_id', 'slot'],
  room_bans: ['room_id', 'user_id'],
  room_invites: ['id'],
  user_sessions: ['id'],
  server_settings: ['id'],
  audit_log: ['seq'],
  // read-model v2 (issue 10)
  message_edits: ['room_id', 'message_seq', 'seq'],
  message_reactions: ['room_id', 'message_seq', 'emoji', 'user_id'],
  message_pins: ['room_id', 'message_seq'],
  thread_participants: ['room_id', 'root_seq', 'user_id'],
  room_settings: ['room_id'],
  // read-model v3 (issue 12)
  read_markers: ['user_id', 'room_id', 'thread_root_seq'],
};

/**
 * A deleted message is a tombstone: its text, edited text and mentions are frozen, and the rows it owns (edit
 * history, reactions, pin) go with it and are never written again (contracts' foldMessage, rule 2 and 3).
 * Reply counters are not content: replies stay.
 */
const ownedByMessage = { table: 'messages', columns: { room_id: 'room_id', seq: 'message_seq' } } as const;
export const chatTableRules: TableRules<ReadModelDB> = {
  tombstones: { messages: { flag: 'deleted', content: ['text', 'edited_text', 'edited_seq', 'edited_at', 'mentions', 'attachments'] } },
  owners: { message_edits: ownedByMessage, message_reactions: ownedByMessage, message_pins: ownedByMessage },
};
