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
