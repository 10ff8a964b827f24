-- Command-side state that must never enter the event log: password hashes and refresh sessions.
create schema if not exists auth;

create table auth.credentials (
  user_id       text primary key,
  password_hash text not null,
  updated_at    timestamptz not null default now()
);

-- Refresh tokens are stored as SHA-256 hashes. Rotation: a used token's row gets replaced_by; presenting a
-- replaced token again revokes the whole family (reuse detection).
create table auth.sessions (
  id            text primary key,
  user_id       text not null,
  family_id     text not null,
  refresh_hash  text not null unique,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  replaced_by   text,
  revoked_at    timestamptz
);
create index sessions_user_idx on auth.sessions (user_id);
create index sessions_family_idx on auth.sessions (family_id);
