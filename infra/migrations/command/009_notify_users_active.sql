-- The notifications projection follows account state (UserDeactivated / UserReactivated): a deactivated
-- account gets no push or mail rows, and what was pending for it is cancelled.
alter table notify.users add column if not exists deactivated boolean not null default false;
-- The dispatchers' recovery of stale claims (`status = 'sending' and claimed_at < ...`, every round) reads
-- only the few rows in flight, not the whole outbox.
create index if not exists deliveries_sending on notify.deliveries (channel, claimed_at) where status = 'sending';
