-- Email (issue 13): link tokens for password reset and email verification, and the mail outbox.
-- Command-side only: nothing here enters the event log.

-- One row per link mailed. Only the SHA-256 of the token is kept; the token itself exists in the mail (and in
-- the outbox row until the mail is handed to SMTP, then the body is erased). Single use: used_at is set by
-- the one statement that accepts the token.
create table auth.email_tokens (
  token_hash  text primary key,
  purpose     text not null check (purpose in ('password_reset', 'verify_email')),
  user_id     text not null,
  -- the address the link was sent to: a verification link confirms this address and no later one
  email       text not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz
);
create index email_tokens_user_idx on auth.email_tokens (user_id, purpose);

-- Mail waiting to be sent, drained by a worker in every command-api instance (for update skip locked), with
-- retries and exponential backoff. A request only inserts a row, so it answers fast while SMTP is slow or
-- down. dedupe_key makes enqueueing idempotent (a retried request does not queue a second mail).
create schema if not exists mail;
create table mail.outbox (
  id              bigserial primary key,
  dedupe_key      text unique,
  kind            text not null,
  to_address      text not null,
  subject         text not null,
  text_body       text not null,
  html_body       text not null,
  headers         jsonb not null default '{}',
  created_at      timestamptz not null default now(),
  attempts        integer not null default 0,
  -- due time; while a worker holds a row it is pushed ahead by the lease, so a crashed worker's row comes back
  next_attempt_at timestamptz not null default now(),
  sent_at         timestamptz,
  message_id      text,
  failed_at       timestamptz,
  last_error      text
);
create index outbox_due_idx on mail.outbox (next_attempt_at) where sent_at is null and failed_at is null;
