import type { Generated, Selectable } from 'kysely';
import type { Role } from '@natter/contracts';

/**
 * Row types of the chat read model (migrations/read-model/read-model.sql). Projectors write these tables and
 * query-api reads them, always through `db.withSchema(activeSchema)`.
 */
export interface CheckpointTable { projection: string; last_seq: number }
export interface UsersTable {
  id: string;
  username: string;
  username_lower: string;
  display_name: string;
  email: string;
  deactivated: Generated<boolean>;
  registered_seq: number;
  updated_seq: number;
}
export interface RoomsTable {
  id: string;
  name: string;
  topic: string;
  visibility: 'public' | 'private';
  created_by: string;
  created_at: Date | string;
  created_seq: number;
  member_count: Generated<number>;
  last_seq: number;
}
export interface RoomMembersTable { room_id: string; user_id: string; role: Role; joined_seq: number }
export interface MessagesTable {
  room_id: string;
  seq: number;
  id: string;
  sender_id: string;
  client_msg_id: string;
  text: string;
  sent_at: Date | string;
}

export interface ReadModelDB {
  checkpoint: CheckpointTable;
  users: UsersTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  messages: MessagesTable;
}
export type UserRow = Selectable<UsersTable>;
export type RoomRow = Selectable<RoomsTable>;
export type RoomMemberRow = Selectable<RoomMembersTable>;
export type MessageRow = Selectable<MessagesTable>;
