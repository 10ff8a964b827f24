-- The chat read model, created inside a schema named by the caller (__SCHEMA__), e.g. rm_1.
-- A change here is a new read-model version: rebuild by replay into a new schema (npm run replay).
create schema __SCHEMA__;

-- The last stream sequence applied; written in the same transaction as the rows it covers.
create table __SCHEMA__.checkpoint (
  projection text primary key,
  last_seq   bigint not null
);

create table __SCHEMA__.users (
  id             text primary key,
  username       text not null,
  username_lower text not null unique,
  display_name   text not null,
  email          text not null,
  deactivated    boolean not null default false,
  registered_seq bigint not null,
  updated_seq    bigint not null
);

create table __SCHEMA__.rooms (
  id           text primary key,
  name         text not null,
  topic        text not null,
  visibility   text not null,
  created_by   text not null,
  created_at   timestamptz not null,
  created_seq  bigint not null,
  member_count integer not null default 0,
  last_seq     bigint not null
);
create index rooms_public_idx on __SCHEMA__.rooms (visibility, name);

create table __SCHEMA__.room_members (
  room_id    text not null,
  user_id    text not null,
  role       text not null,
  joined_seq bigint not null,
  primary key (room_id, user_id)
);
create index room_members_user_idx on __SCHEMA__.room_members (user_id);

-- Room order is the stream sequence: (room_id, seq) is both the key and the history cursor.
create table __SCHEMA__.messages (
  room_id       text not null,
  seq           bigint not null,
  id            text not null,
  sender_id     text not null,
  client_msg_id text not null,
  text          text not null,
  sent_at       timestamptz not null,
  primary key (room_id, seq)
);

-- ---- people and conversations (issue 11, read-model version 2) -------------------------------------------
-- Profiles, server admins and deactivation on users; kind/archive/delete on rooms; the user directory's
-- search terms; bans, invites, sessions, server settings and the audit log.

alter table __SCHEMA__.users
  add column bio           text not null default '',
  add column status_text   text not null default '',
  add column server_admin  boolean not null default false,
  add column registered_at timestamptz;

alter table __SCHEMA__.rooms
  add column kind     text not null default 'room',
  add column archived boolean not null default false,
  add column deleted  boolean not null default false;

-- The directory: per user, slot 0 = the folded username, slots 1.. = the folded words of the display name
-- (contracts/src/search.ts). A query word matches a term it is a prefix of: a range scan of term_idx.
create table __SCHEMA__.user_search_terms (
  user_id text not null,
  slot    smallint not null,
  term    text collate "C" not null,
  primary key (user_id, slot)
);
create index user_search_terms_term_idx on __SCHEMA__.user_search_terms (term, user_id);

create table __SCHEMA__.room_bans (
  room_id    text not null,
  user_id    text not null,
  banned_by  text not null,
  reason     text not null,
  banned_seq bigint not null,
  banned_at  timestamptz not null,
  primary key (room_id, user_id)
);

create table __SCHEMA__.room_invites (
  id         text primary key,
  room_id    text not null,
  created_by text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  max_uses   integer,
  uses       integer not null default 0,
  revoked    boolean not null default false
);
create index room_invites_room_idx on __SCHEMA__.room_invites (room_id);

-- Sign-ins (SessionStarted) and their end (SessionRevoked); refresh rotation keeps a session's id.
create table __SCHEMA__.user_sessions (
  id            text primary key,
  user_id       text not null,
  started_at    timestamptz not null,
  revoked_at    timestamptz,
  revoke_reason text
);
create index user_sessions_user_idx on __SCHEMA__.user_sessions (user_id);

-- One row (id 'server') once the server aggregate has an event.
create table __SCHEMA__.server_settings (
  id                text primary key,
  registration_open boolean not null default true
);

-- Every event but messages, for the admin panel's audit log: who (actor) did what (type, data) when.
create table __SCHEMA__.audit_log (
  seq      bigint primary key,
  at       timestamptz not null,
  type     text not null,
  actor_id text,
  room_id  text,
  user_id  text,
  data     jsonb not null
);
create index audit_log_type_idx on __SCHEMA__.audit_log (type, seq);
create index audit_log_actor_idx on __SCHEMA__.audit_log (actor_id, seq);
create index audit_log_room_idx on __SCHEMA__.audit_log (room_id, seq);
create index audit_log_user_idx on __SCHEMA__.audit_log (user_id, seq);
-- ---- Issue 10: messages people work with (edits, deletes, threads, mentions, reactions, pins, settings) ----
-- Message text as sent stays in `text` until a delete; `edited_text` is the current text once edited.
-- A delete is a tombstone (`deleted`): text, edited text and mentions cleared, and every row the message owns
-- (edit history, reactions, pin) removed; nothing is written under a tombstone afterwards (see ChangeSet).
-- `in_room`: shown in the room's timeline (top-level, or a reply also sent to the room); thread-only replies
-- are read through their thread.
alter table __SCHEMA__.messages
  add column in_room         boolean not null default true,
  add column thread_root_seq bigint,
  add column mentions        jsonb not null default '{"userIds": [], "room": false, "here": false}',
  add column edited_text     text,
  add column edited_seq      bigint,
  add column edited_at       timestamptz,
  add column deleted         boolean not null default false,
  add column deleted_seq     bigint,
  add column deleted_by      text,
  add column deleted_at      timestamptz,
  add column reply_count     integer not null default 0,
  add column last_reply_seq  bigint,
  add column last_reply_at   timestamptz;
-- The room's timeline without thread-only replies, and a thread's replies: both paged by seq.
create index messages_in_room_idx on __SCHEMA__.messages (room_id, seq) where in_room;
create index messages_thread_idx on __SCHEMA__.messages (room_id, thread_root_seq, seq) where thread_root_seq is not null;

-- Every edit's text (the versions after the original), for GET .../messages/{seq}/history.
create table __SCHEMA__.message_edits (
  room_id     text not null,
  message_seq bigint not null,
  seq         bigint not null,
  text        text not null,
  edited_at   timestamptz not null,
  primary key (room_id, message_seq, seq)
);

-- One row per (message, emoji, user): reactions are a set; `seq` orders the users of an emoji.
create table __SCHEMA__.message_reactions (
  room_id     text not null,
  message_seq bigint not null,
  emoji       text not null,
  user_id     text not null,
  seq         bigint not null,
  primary key (room_id, message_seq, emoji, user_id)
);

create table __SCHEMA__.message_pins (
  room_id     text not null,
  message_seq bigint not null,
  pinned_by   text not null,
  pinned_seq  bigint not null,
  pinned_at   timestamptz not null,
  primary key (room_id, message_seq)
);
create index message_pins_room_idx on __SCHEMA__.message_pins (room_id, pinned_seq);

-- Who takes part in a thread: the root's author and everyone who replied (for notifications).
create table __SCHEMA__.thread_participants (
  room_id   text not null,
  root_seq  bigint not null,
  user_id   text not null,
  first_seq bigint not null,
  primary key (room_id, root_seq, user_id)
);

-- The room's message settings (RoomSettingsUpdated); no row: the defaults (no edit window, admins pin).
create table __SCHEMA__.room_settings (
  room_id             text primary key,
  edit_window_seconds integer,
  anyone_can_pin      boolean not null,
  updated_seq         bigint not null
);
-- ---- end of issue 10

-- ---- Issue 12: read state (read-model version 3) -------------------------------------------------------
-- Unread counts are sequence arithmetic, never counters bumped per reader: every message of a room's timeline
-- (in_room) gets `ord`, its position 1, 2, 3, ... among them in seq order, from the projection in the batch
-- that inserts it (projectors/src/chat/ordinals.ts); `rooms.msg_ord` is the last one given. A reader's unread
-- count in a room = msg_ord - ord of the last timeline message at or before their marker - deleted timeline
-- messages after the marker. Their own messages are never after their marker (a send moves it), so nothing
-- more is subtracted. Two index probes per room plus the deletes after the marker, whatever the room's size.
alter table __SCHEMA__.messages add column ord bigint;
alter table __SCHEMA__.rooms add column msg_ord bigint not null default 0;
-- ord at a marker: the last timeline message at or before a seq (index-only, backward, one row).
create index messages_ord_idx on __SCHEMA__.messages (room_id, seq) include (ord, deleted) where in_room;
-- Unused since messages are inserted with their ord (ordinals.ts assigns it before the batch is written; a
-- timeline row never matches the predicate, so the index costs no write). Dropped with the next version.
create index messages_unordered_idx on __SCHEMA__.messages (room_id, seq) where in_room and ord is null;
-- Deleted timeline messages (subtracted after a marker).
create index messages_deleted_idx on __SCHEMA__.messages (room_id, seq) where in_room and deleted;
-- Who each live timeline message mentions now: one row per mentioned user, or one row '*' for @room/@here
-- (never both, so a count never counts a message twice). Derived from messages.mentions by the projection for
-- the messages a batch sent, edited or deleted (projectors/src/chat/mention-rows.ts): mention counts are
-- index-only range counts of (user, room, seq > marker).
create table __SCHEMA__.message_mentions (
  user_id text not null,
  room_id text not null,
  seq     bigint not null,
  primary key (user_id, room_id, seq)
);

-- Read markers: "read up to seq" per reader and room (thread_root_seq 0) or thread; only ever moved forward
-- (ReadMarkersMoved, and the reader's own sends). The effective room marker is at least the reader's join.
create table __SCHEMA__.read_markers (
  user_id         text not null,
  room_id         text not null,
  thread_root_seq bigint not null,
  seq             bigint not null,
  primary key (user_id, room_id, thread_root_seq)
);
-- The threads a reader takes part in (per-thread unread counts).
create index thread_participants_user_idx on __SCHEMA__.thread_participants (user_id);
-- ---- end of issue 12
-- ---- email (issue 13, read-model version 3) -------------------------------------------------------------
-- Whether the user's current address is verified: EmailVerified sets it, EmailChanged (a new address) clears
-- it. The command side appends EmailVerified only for the address the account has at that moment, so the
-- last of the two in stream order is the truth.
alter table __SCHEMA__.users add column email_verified boolean not null default false;
-- ---- end of issue 13
-- ---- Issue 13: files (read-model version 3) ---------------------------------------------------------------
-- A message's attachments as its MessageSent carries them (contracts' Attachment: id, name, sniffed type, size,
-- image facts); cleared on a tombstone (the file reaper removes the objects).
alter table __SCHEMA__.messages
  add column attachments jsonb not null default '[]';
-- Users' pictures (AvatarChanged): the version of the stored avatar, '' for none.
alter table __SCHEMA__.users
  add column avatar text not null default '';
-- ---- Issue 12: counts kept at each reader's marker (read-model version 4) ----------------------------------
-- `GET /api/me/rooms` counted behind every room marker with four index probes per room (about 14 ms for 400
-- rooms behind). The parts of those counts that only change when the marker moves, or when a message at or
-- before it is deleted or its mentions edited, are kept on the membership instead; the rest are room totals.
-- Then, per room, with no probe:
--   unread   = rooms.msg_ord - m.read_ord - (rooms.deleted_msgs - m.read_deleted)
--   mentions = m.mentions_total + rooms.room_mentions - m.read_mentions
-- and one probe for the first unread message of a room that has any (version 5, below, keeps that too). Kept by the chat projection after each
-- batch (projectors/src/chat/marker-counts.ts), recomputed from the rows (never bumped), so batch-independent.
-- The marker is never past a message sent after it (MarkRead refuses a seq past the room's newest event, a send
-- moves its sender's marker to its own message, a join is the newest event), so a new message never changes
-- what is at or before a marker.
alter table __SCHEMA__.rooms
  add column deleted_msgs bigint not null default 0,   -- deleted timeline messages
  add column room_mentions bigint not null default 0;  -- live timeline messages mentioning @room/@here ('*' rows)
alter table __SCHEMA__.room_members
  add column read_seq bigint not null default 0,       -- greatest(room read marker, joined_seq)
  add column read_ord bigint not null default 0,       -- ord of the last timeline message at or before read_seq
  add column read_deleted bigint not null default 0,   -- deleted timeline messages at or before read_seq
  add column read_mentions bigint not null default 0,  -- message_mentions rows of the member or '*' at or before it
  add column mentions_total bigint not null default 0; -- message_mentions rows of the member (not '*'), any seq
-- ---- end of issue 12 (version 4)

-- ---- Issue 12: the first unread message kept at each reader's marker (read-model version 5) ---------------
-- Version 4 still probed the messages after the marker of every room with unread for the first of them (the
-- "new messages" line): 400 probes, about 5 ms of the room list for a reader behind in 400 rooms. Kept on the
-- membership instead, null when nothing is unread. It changes when the marker moves (recomputed with the counts
-- above), when that very message is deleted (recomputed), and when a reader with nothing unread gets a new
-- message (set): a null becomes a seq at most once per time the reader caught up, so the writes are bounded
-- by the marker moves, not by members times messages (projectors/src/chat/marker-counts.ts).
alter table __SCHEMA__.room_members
  add column first_unread_seq bigint;                  -- first live timeline message after read_seq (null: none)
-- ---- end of issue 12 (version 5)
