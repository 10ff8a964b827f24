-- Uploaded files (issue 13), command side: who stored what where, so that command-api can enforce the per-user
-- quota (the sum of a user's live files) and attach a file to one message only. The bytes are in the object
-- store (natter_files); the facts every reader needs travel in the MessageSent that carries the file.
-- claimed_by is '<senderId>:<clientMsgId>' of the send that attached it (a retried send claims it again);
-- deleted_at is set when the file's message was deleted and its objects removed (the projectors' file reaper),
-- or an unattached upload expired.
create schema if not exists files;
create table files.uploads (
  file_id      text primary key,
  room_id      text not null,
  uploader_id  text not null,
  name         text not null,
  type         text not null,
  size         bigint not null,
  width        int,
  height       int,
  thumb_width  int,
  thumb_height int,
  claimed_by   text,
  created_at   timestamptz not null default now(),
  deleted_at   timestamptz
);
create index uploads_live_by_uploader on files.uploads (uploader_id) where deleted_at is null;
create index uploads_unclaimed on files.uploads (created_at) where claimed_by is null and deleted_at is null;
