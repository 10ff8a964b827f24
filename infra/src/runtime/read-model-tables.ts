import type { Generated, Selectable } from 'kysely';
import type { Attachment, Mentions, Role } from '@natter/contracts';

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
  // read-model v2 (issue 11)
  bio: Generated<string>;
  status_text: Generated<string>;
  server_admin: Generated<boolean>;
  registered_at: Date | string | null;
  // read-model v3 (issue 13)
  email_verified: Generated<boolean>;
  // read-model v3 (issue 13): the picture's version (AvatarChanged)
  avatar: Generated<string>;
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
  // read-model v2 (issue 11)
  kind: Generated<'room' | 'dm'>;
  archived: Generated<boolean>;
  deleted: Generated<boolean>;
  /** Issue 12: the last `messages.ord` given in the room (its timeline's message count, deleted ones included). */
  msg_ord: Generated<number>;
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
  // issue 10
  in_room: Generated<boolean>;
  thread_root_seq: number | null;
  mentions: Generated<Mentions>;
  edited_text: string | null;
  edited_seq: number | null;
  edited_at: Date | string | null;
  deleted: Generated<boolean>;
  deleted_seq: number | null;
  deleted_by: string | null;
  deleted_at: Date | string | null;
  reply_count: Generated<number>;
  /** Issue 12: the message's position in the room's timeline (in_room), given by the projection; null for thread-only replies. */
  ord: Generated<number | null>;
  last_reply_seq: number | null;
  last_reply_at: Date | string | null;
  // issue 13 (read-model v3)
  attachments: Generated<Attachment[]>;
}
export interface MessageEditsTable { room_id: string; message_seq: number; seq: number; text: string; edited_at: Date | string }
export interface MessageReactionsTable { room_id: string; message_seq: number; emoji: string; user_id: string; seq: number }
export interface MessagePinsTable { room_id: string; message_seq: number; pinned_by: string; pinned_seq: number; pinned_at: Date | string }
export interface ThreadParticipantsTable { room_id: string; root_seq: number; user_id: string; first_seq: number }
export interface RoomSettingsTable { room_id: string; edit_window_seconds: number | null; anyone_can_pin: boolean; updated_seq: number }

// ---- read-model v2 (issue 11): directory, moderation, invites, sessions, settings, audit log
export interface UserSearchTermsTable { user_id: string; slot: number; term: string }
export interface RoomBansTable { room_id: string; user_id: string; banned_by: string; reason: string; banned_seq: number; banned_at: Date | string }
export interface RoomInvitesTable {
  id: string;
  room_id: string;
  created_by: string;
  created_at: Date | string;
  expires_at: Date | string;
  max_uses: number | null;
  uses: Generated<number>;
  revoked: Generated<boolean>;
}
export interface UserSessionsTable { id: string; user_id: string; started_at: Date | string; revoked_at: Date | string | null; revoke_reason: string | null }
export interface ServerSettingsTable { id: string; registration_open: Generated<boolean> }
export interface AuditLogTable {
  seq: number;
  at: Date | string;
  type: string;
  actor_id: string | null;
  room_id: string | null;
  user_id: string | null;
  /** jsonb: the event's data. */
  data: Record<string, unknown>;
}

// ---- read-model v3 (issue 12): read state
/** A reader's marker in a room (`thread_root_seq` 0) or one of its threads: read up to `seq` (the greatest moved to). */
export interface ReadMarkersTable { user_id: string; room_id: string; thread_root_seq: number; seq: number }

export interface ReadModelDB {
  checkpoint: CheckpointTable;
  users: UsersTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  messages: MessagesTable;
  user_search_terms: UserSearchTermsTable;
  room_bans: RoomBansTable;
  room_invites: RoomInvitesTable;
  user_sessions: UserSessionsTable;
  server_settings: ServerSettingsTable;
  audit_log: AuditLogTable;
  message_edits: MessageEditsTable;
  message_reactions: MessageReactionsTable;
  message_pins: MessagePinsTable;
  thread_participants: ThreadParticipantsTable;
  room_settings: RoomSettingsTable;
  read_markers: ReadMarkersTable;
}
export type UserRow = Selectable<UsersTable>;
export type RoomRow = Selectable<RoomsTable>;
export type RoomMemberRow = Selectable<RoomMembersTable>;
export type MessageRow = Selectable<MessagesTable>;
