import type { ReadModelDB } from '@natter/infra/runtime';
import type { PrimaryKeys } from '../runtime/change-set';

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
};
