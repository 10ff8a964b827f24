-- Invite link codes (issue 11). Only the SHA-256 of a code is kept, never the code, and never in the event
-- log (InviteCreated carries the invite's id, expiry and use limit). The room aggregate decides whether an
-- invite is still usable; this table only maps a presented code to its room and invite.
create table auth.invite_codes (
  code_hash  text primary key,
  room_id    text not null,
  invite_id  text not null unique,
  created_at timestamptz not null default now()
);
