-- Notifications (issue 13): the `notify` schema. Its own schema, not the versioned read model (rm_vN_M):
-- the notifications projection (projectors/src/notifications/) owns these rows and its checkpoint, and what it
-- decided to send (deliveries) must never be sent again by a read-model rebuild or swap. Rebuilding the
-- notification center itself is replaying into `notifications` from checkpoint 0: deliveries are keyed by
-- (user, seq, channel), so a replay finds them done, and only recent events make new ones (see the projector).

create schema if not exists notify;

-- The projection's checkpoint (same shape as a read model's, so the projector runtime reuses its code).
create table notify.checkpoint (
  projection text primary key,
  last_seq   bigint not null
);

-- What the projection needs to know to decide: room kind and members, thread followers, settings.
create table notify.rooms (
  room_id text primary key,
  name    text,
  is_dm   boolean not null default false,
  deleted boolean not null default false
);
create table notify.room_members (
  room_id text not null,
  user_id text not null,
  primary key (room_id, user_id)
);
create table notify.thread_followers (
  room_id  text not null,
  root_seq bigint not null,
  user_id  text not null,
  primary key (room_id, root_seq, user_id)
);
create table notify.users (
  user_id      text primary key,
  display_name text not null,
  email        text not null
);
create table notify.settings (
  user_id             text primary key,
  level               text not null default 'mentions',
  push                boolean not null default true,
  email               boolean not null default true,
  email_delay_minutes int not null default 15,
  quiet_hours         jsonb
);
create table notify.room_settings (
  user_id text not null,
  room_id text not null,
  level   text,
  muted   boolean not null default false,
  primary key (user_id, room_id)
);
create table notify.thread_mutes (
  user_id  text not null,
  room_id  text not null,
  root_seq bigint not null,
  primary key (user_id, room_id, root_seq)
);

-- The notification center: one row per person and message, named by the seq of the event that caused it.
create table notify.notifications (
  user_id         text not null,
  seq             bigint not null,
  kind            text not null,
  room_id         text not null,
  message_seq     bigint not null,
  thread_root_seq bigint,
  actor_id        text not null,
  excerpt         text not null,
  at              timestamptz not null,
  read            boolean not null default false,
  primary key (user_id, seq)
);
create index notifications_unread on notify.notifications (user_id, seq) where not read;
-- A deleted message takes its notifications with it.
create index notifications_message on notify.notifications (room_id, message_seq);

-- The outbox of push and email: written in the projection's transaction, drained by the dispatchers.
-- status: pending -> sending (claimed: committed BEFORE the send) -> sent | skipped | failed | unknown.
-- A row is claimed once and never claimed again after a crash (at most once; see docs/architecture.md).
create table notify.deliveries (
  user_id     text not null,
  seq         bigint not null,
  channel     text not null check (channel in ('push', 'email')),
  room_id     text not null,
  status      text not null default 'pending',
  attempts    int not null default 0,
  due_at      timestamptz not null,
  claimed_by  text,
  claimed_at  timestamptz,
  done_at     timestamptz,
  last_error  text,
  primary key (user_id, seq, channel)
);
create index deliveries_due on notify.deliveries (channel, due_at) where status = 'pending';

-- Browsers registered for Web Push (capability URLs and keys: command-side, never in the event log).
create table notify.push_subscriptions (
  id         text primary key,
  user_id    text not null,
  endpoint   text not null unique,
  p256dh     text not null,
  auth       text not null,
  created_at timestamptz not null default now()
);
create index push_subscriptions_user on notify.push_subscriptions (user_id);

-- Unsubscribe links of digest mails: the SHA-256 of each link's random token (never the token), and whose.
create table notify.email_unsubscribe (
  token_hash text primary key,
  user_id    text not null,
  created_at timestamptz not null default now()
);
